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

    public static string? FromContentDisposition(ContentDispositionHeaderValue? header)
    {
        if (header is null)
        {
            return null;
        }

        var name = header.FileNameStar ?? header.FileName;
        return name is null ? null : Sanitize(name.Trim().Trim('"'));
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
