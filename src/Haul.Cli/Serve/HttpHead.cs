using System.Text;

namespace Haul.Cli.Serve;

/// <summary>An HTTP/1.1 request head as the daemon reads it: method, path, query and headers (names compared without case).</summary>
internal sealed class HttpHead
{
    /// <summary>More header lines than this is a flood, not a browser.</summary>
    public const int MaxHeaders = 100;

    private HttpHead(string method, string path, string query, string version, Dictionary<string, string> headers)
    {
        Version = version;
        Method = method;
        Path = path;
        Query = query;
        Headers = headers;
    }

    public string Method { get; }

    public string Path { get; }

    public string Query { get; }

    public Dictionary<string, string> Headers { get; }

    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    /// <summary><c>HTTP/1.1</c> or <c>HTTP/1.0</c>.</summary>
    public string Version { get; }

    /// <summary>HTTP/1.1 keeps the connection unless told to close it; HTTP/1.0 closes it unless told to keep it.</summary>
    public bool KeepAlive => Version == "HTTP/1.0"
        ? HasConnectionToken("keep-alive")
        : !HasConnectionToken("close");

    private bool HasConnectionToken(string token) =>
        (Header("Connection") ?? string.Empty).Split(',').Any(part => part.Trim().Equals(token, StringComparison.OrdinalIgnoreCase));

    /// <summary>The head (without its blank line), or null when it is not a well-formed HTTP/1.1 request head.</summary>
    public static HttpHead? Parse(ReadOnlySpan<byte> head)
    {
        if (head.ContainsAny((byte)0, (byte)0x7F) || head.IndexOfAnyInRange((byte)0x80, (byte)0xFF) >= 0)
        {
            return null;
        }

        var lines = Encoding.ASCII.GetString(head).Split("\r\n");
        if (lines[0].Any(c => c < ' '))
        {
            return null;
        }

        var start = lines[0].Split(' ');
        if (start.Length != 3 || start[2] is not ("HTTP/1.1" or "HTTP/1.0") || start[1].Length == 0 || start[1][0] != '/' || lines.Length - 1 > MaxHeaders)
        {
            return null;
        }

        var headers = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var line in lines.AsSpan(1))
        {
            // A bare CR or LF or another control character could end a line for one reader and not another.
            if (line.Any(c => c < ' ' && c != '\t'))
            {
                return null;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0 || line[..colon].Any(c => c is ' ' or '\t'))
            {
                return null;
            }

            var name = line[..colon];
            var value = line[(colon + 1)..].Trim();
            if (headers.TryGetValue(name, out var earlier))
            {
                // Two lengths or two hosts could be read two ways: refuse rather than guess.
                if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase) || name.Equals("Host", StringComparison.OrdinalIgnoreCase))
                {
                    return null;
                }

                value = earlier + ", " + value;
            }

            headers[name] = value;
        }

        var target = start[1];
        var question = target.IndexOf('?', StringComparison.Ordinal);
        return new HttpHead(
            start[0],
            question < 0 ? target : target[..question],
            question < 0 ? string.Empty : target[(question + 1)..],
            start[2],
            headers);
    }

    /// <summary>One query parameter, percent-decoded ('+' kept: base64 uses it).</summary>
    public string? QueryValue(string name)
    {
        foreach (var pair in Query.Split('&'))
        {
            var eq = pair.IndexOf('=', StringComparison.Ordinal);
            var key = eq < 0 ? pair : pair[..eq];
            if (Uri.UnescapeDataString(key) == name)
            {
                return eq < 0 ? string.Empty : Uri.UnescapeDataString(pair[(eq + 1)..]);
            }
        }

        return null;
    }
}
