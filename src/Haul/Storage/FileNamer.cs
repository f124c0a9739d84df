using System.Net.Http.Headers;
using System.Text;

namespace Haul.Storage;

/// <summary>
/// Chooses and sanitizes file names: <c>out=</c>, else Content-Disposition, else the last path
/// segment of the URL, else <c>index.html</c>. A sanitized name is one plain file name that cannot
/// climb out of its directory, hide itself, pose as a flag or carry control characters.
/// </summary>
internal static class FileNamer
{
    public const string DefaultName = "index.html";

    // Leaves room for ".part.meta" and a ".NNN" collision suffix under the usual 255-byte limit.
    internal const int MaxNameBytes = 200;

    private const string ReservedSuffix = ".part";

    public static string FromUrl(Uri uri)
    {
        var path = uri.AbsolutePath;
        var lastSlash = path.LastIndexOf('/');
        var segment = lastSlash >= 0 ? path[(lastSlash + 1)..] : path;
        return Sanitize(Uri.UnescapeDataString(segment)) ?? DefaultName;
    }

    /// <summary>
    /// The file name a <c>Content-Disposition</c> header suggests, read as curl reads it:
    /// <paramref name="header"/> when the value parsed, else the raw value <paramref name="raw"/>
    /// (a missing disposition type, a quote left open); <c>filename*</c> before <c>filename</c>,
    /// a path cut to its last segment, then sanitized.
    /// </summary>
    public static string? FromContentDisposition(ContentDispositionHeaderValue? header, string? raw = null)
    {
        string? name;
        if (header is not null)
        {
            name = header.FileNameStar ?? header.FileName;
        }
        else if (raw is not null)
        {
            var parameters = Parameters(raw);
            name = parameters.TryGetValue("filename*", out var star) && DecodeExtended(star) is { } decoded
                ? decoded
                : parameters.GetValueOrDefault("filename");
        }
        else
        {
            return null;
        }

        return name is null ? null : Sanitize(Unquote(name.Trim()));

        // A value opened with a quote ends at its match; one never closed runs to the end (curl does the same).
        static string Unquote(string value)
        {
            if (value.Length == 0 || value[0] is not ('"' or '\''))
            {
                return value;
            }

            var end = value.IndexOf(value[0], 1);
            return end > 0 ? value[1..end] : value[1..];
        }

        // name=value pairs after ';', names lower-cased, the first of each kept; a quoted value may hold ';'.
        static Dictionary<string, string> Parameters(string value)
        {
            var found = new Dictionary<string, string>(StringComparer.Ordinal);
            var i = 0;
            while (i < value.Length)
            {
                var end = value.IndexOfAny([';', '='], i);
                if (end < 0 || value[end] == ';')
                {
                    // The disposition type, or a stray word: no value.
                    i = end < 0 ? value.Length : end + 1;
                    continue;
                }

                var key = value[i..end].Trim().ToLowerInvariant();
                var start = end + 1;
                while (start < value.Length && value[start] == ' ')
                {
                    start++;
                }

                int stop;
                if (start < value.Length && value[start] == '"')
                {
                    var close = value.IndexOf('"', start + 1);
                    stop = close < 0 ? value.Length : value.IndexOf(';', close) is var semicolon and >= 0 ? semicolon : value.Length;
                    found.TryAdd(key, close < 0 ? value[start..] : value[start..(close + 1)]);
                }
                else
                {
                    stop = value.IndexOf(';', start) is var semicolon and >= 0 ? semicolon : value.Length;
                    found.TryAdd(key, value[start..stop].Trim());
                }

                i = stop + 1;
            }

            return found;
        }

        // RFC 8187: charset'language'percent-encoded bytes; UTF-8 and ISO-8859-1 are the charsets a client must know.
        static string? DecodeExtended(string value)
        {
            var parts = value.Split('\'', 3);
            if (parts.Length != 3)
            {
                return null;
            }

            Encoding? encoding = parts[0].ToUpperInvariant() switch
            {
                "UTF-8" => new UTF8Encoding(false, throwOnInvalidBytes: true),
                "ISO-8859-1" => Encoding.Latin1,
                _ => null,
            };
            if (encoding is null)
            {
                return null;
            }

            var bytes = new List<byte>(parts[2].Length);
            var text = parts[2];
            for (var k = 0; k < text.Length; k++)
            {
                if (text[k] == '%' && k + 2 < text.Length && byte.TryParse(text.AsSpan(k + 1, 2), System.Globalization.NumberStyles.HexNumber, null, out var b))
                {
                    bytes.Add(b);
                    k += 2;
                }
                else if (text[k] < 0x80)
                {
                    bytes.Add((byte)text[k]);
                }
                else
                {
                    return null;
                }
            }

            try
            {
                return encoding.GetString([.. bytes]);
            }
            catch (DecoderFallbackException)
            {
                return null;
            }
        }
    }

    /// <summary>Returns a safe file name made from <paramref name="raw"/>, or null when nothing usable is left.</summary>
    public static string? Sanitize(string? raw)
    {
        if (string.IsNullOrEmpty(raw))
        {
            return null;
        }

        // Only the last path part counts, whichever separator a server or user wrote.
        var lastSeparator = raw.LastIndexOfAny(['/', '\\']);
        var name = lastSeparator >= 0 ? raw[(lastSeparator + 1)..] : raw;

        var builder = new StringBuilder(name.Length);
        foreach (var c in name)
        {
            builder.Append(char.IsControl(c) || c is ':' or '*' or '?' or '"' or '<' or '>' or '|' ? '_' : c);
        }

        // Cut to length first, so that the checks below also hold for the ending the cut leaves.
        name = Truncate(builder.ToString().Trim().TrimStart('.', '-', ' '), MaxNameBytes).TrimEnd('.', ' ');
        if (name.Length == 0)
        {
            return null;
        }

        if (name.EndsWith(ReservedSuffix, StringComparison.OrdinalIgnoreCase)
            || name.EndsWith(PartFile.MetaSuffix, StringComparison.OrdinalIgnoreCase))
        {
            // The cut keeps the suffix and frees one byte for the "_" that defuses it.
            name = Truncate(name, MaxNameBytes - 1) + "_";
        }

        return name;
    }

    /// <summary>The <paramref name="index"/>-th alternative of a name: <c>a.jpg</c> becomes <c>a.1.jpg</c>.</summary>
    public static string WithIndex(string name, int index)
    {
        if (index == 0)
        {
            return name;
        }

        var dot = name.LastIndexOf('.');
        return dot > 0
            ? $"{name[..dot]}.{index}{name[dot..]}"
            : $"{name}.{index}";
    }

    private static string Truncate(string name, int maxBytes)
    {
        if (Encoding.UTF8.GetByteCount(name) <= maxBytes)
        {
            return name;
        }

        var dot = name.LastIndexOf('.');
        var extension = dot > 0 && name.Length - dot <= 16 ? name[dot..] : string.Empty;
        var stem = extension.Length > 0 ? name[..dot] : name;
        var budget = maxBytes - Encoding.UTF8.GetByteCount(extension);
        var end = stem.Length;
        while (end > 0 && Encoding.UTF8.GetByteCount(stem.AsSpan(0, end)) > budget)
        {
            end--;
        }

        // Never cut a surrogate pair in half.
        if (end > 0 && char.IsHighSurrogate(stem[end - 1]))
        {
            end--;
        }

        return stem[..end] + extension;
    }
}
