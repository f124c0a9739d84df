using System.Text;

namespace Haul.Cli.Demo;

/// <summary>One HTTP/1.1 request head as the demo server read it: method, path without query, headers.</summary>
internal sealed class DemoRequest
{
    private DemoRequest(string method, string path, Dictionary<string, string> headers, bool keepAlive)
    {
        Method = method;
        Path = path;
        Headers = headers;
        KeepAlive = keepAlive;
    }

    public string Method { get; }

    public string Path { get; }

    /// <summary>Header values by case-insensitive name; a repeated header keeps its last value.</summary>
    public IReadOnlyDictionary<string, string> Headers { get; }

    /// <summary>Whether the connection may carry another request after this one.</summary>
    public bool KeepAlive { get; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary>Parses a head (request line and header lines, without the blank line); null when it is not HTTP/1.x.</summary>
    public static DemoRequest? Parse(ReadOnlySpan<byte> head)
    {
        var lines = Encoding.Latin1.GetString(head).Split("\r\n");
        var parts = lines[0].Split(' ');
        if (parts.Length != 3 || !parts[1].StartsWith('/') || parts[2] is not ("HTTP/1.1" or "HTTP/1.0"))
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.AsSpan(1))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return null;
            }

            headers[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }

        var query = parts[1].IndexOf('?', StringComparison.Ordinal);
        var path = query < 0 ? parts[1] : parts[1][..query];
        var connection = headers.GetValueOrDefault("Connection") ?? string.Empty;
        var keepAlive = parts[2] == "HTTP/1.1"
            ? !connection.Contains("close", StringComparison.OrdinalIgnoreCase)
            : connection.Contains("keep-alive", StringComparison.OrdinalIgnoreCase);

        // A request body is not read; a request that says it has one ends the connection after its answer.
        if (headers.ContainsKey("Transfer-Encoding") || (headers.TryGetValue("Content-Length", out var length) && length != "0"))
        {
            keepAlive = false;
        }

        return new DemoRequest(parts[0], path, headers, keepAlive);
    }
}
