namespace Haul.Http;

/// <summary>Parses <c>Name: value</c>, as <c>--header</c> and the input file's <c>header=</c> take it.</summary>
internal static class HeaderLine
{
    /// <summary>Headers Haul sets itself; a user's value for them would break ranges, resume or the connection.</summary>
    private static readonly HashSet<string> Reserved = new(StringComparer.OrdinalIgnoreCase)
    {
        "Host", "Content-Length", "Transfer-Encoding", "Connection", "Range", "If-Range", "Upgrade", "TE", "Trailer",
    };

    public static bool TryParse(string text, out KeyValuePair<string, string> header, out string error)
    {
        header = default;
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon <= 0)
        {
            error = $"'{text}' is not a header: write it as 'Name: value'";
            return false;
        }

        var name = text[..colon].Trim();
        var value = text[(colon + 1)..].Trim();
        if (name.Length == 0 || !name.All(IsTokenChar))
        {
            error = $"'{name}' is not a valid header name";
            return false;
        }

        if (value.Any(c => c is '\r' or '\n' or '\0'))
        {
            error = $"the value of header '{name}' holds a line break";
            return false;
        }

        if (Reserved.Contains(name))
        {
            error = $"the {name} header is set by Haul itself";
            return false;
        }

        header = new KeyValuePair<string, string>(name, value);
        error = string.Empty;
        return true;
    }

    /// <summary>Headers that carry credentials: sent only to the host the user asked for, never after a redirect elsewhere.</summary>
    public static bool IsCredential(string name) =>
        name.Equals("Authorization", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Cookie", StringComparison.OrdinalIgnoreCase)
        || name.Equals("Proxy-Authorization", StringComparison.OrdinalIgnoreCase);

    // RFC 9110 token characters.
    private static bool IsTokenChar(char c) =>
        char.IsAsciiLetterOrDigit(c) || "!#$%&'*+-.^_`|~".Contains(c, StringComparison.Ordinal);
}
