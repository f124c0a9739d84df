using System.Globalization;
using System.Text;

namespace Haul.Cli.Demo;

/// <summary>
/// What the demo server answers: a status, headers and a body, of which only the first
/// <see cref="SendBytes"/> are sent before the connection is dropped (a fault), paced or not.
/// </summary>
internal sealed class DemoResponse
{
    public DemoResponse(int status, ReadOnlyMemory<byte> body)
    {
        Status = status;
        Body = body;
        SendBytes = body.Length;
    }

    public int Status { get; }

    public ReadOnlyMemory<byte> Body { get; }

    public List<KeyValuePair<string, string>> Headers { get; } = [];

    /// <summary>How much of the body to send; fewer than its length drops the connection after them.</summary>
    public int SendBytes { get; init; }

    /// <summary>Sends the body like a remote server at about 2 MiB/s, so the live view has something to show.</summary>
    public bool Paced { get; init; }

    public DemoResponse With(string name, string value)
    {
        Headers.Add(new(name, value));
        return this;
    }

    public static DemoResponse Text(string text, string contentType) =>
        new DemoResponse(200, Encoding.UTF8.GetBytes(text)).With("Content-Type", contentType);

    public static DemoResponse Empty(int status) => new(status, ReadOnlyMemory<byte>.Empty);

    /// <summary>The status line and headers, Content-Length and Connection included.</summary>
    public byte[] Head(bool keepAlive)
    {
        var head = new StringBuilder();
        head.Append(CultureInfo.InvariantCulture, $"HTTP/1.1 {Status} {Reason(Status)}\r\n");
        foreach (var (name, value) in Headers)
        {
            head.Append(CultureInfo.InvariantCulture, $"{name}: {value}\r\n");
        }

        head.Append(CultureInfo.InvariantCulture, $"Content-Length: {Body.Length}\r\n");
        head.Append(keepAlive ? "Connection: keep-alive\r\n" : "Connection: close\r\n");
        head.Append("Server: haul-demo\r\n\r\n");
        return Encoding.ASCII.GetBytes(head.ToString());
    }

    private static string Reason(int status) => status switch
    {
        200 => "OK",
        206 => "Partial Content",
        400 => "Bad Request",
        404 => "Not Found",
        405 => "Method Not Allowed",
        416 => "Range Not Satisfiable",
        431 => "Request Header Fields Too Large",
        503 => "Service Unavailable",
        _ => "Status",
    };
}
