namespace Haul.Storage;

/// <summary>
/// An output name that may hold folders (<c>-o sub/x.bin</c>, <c>out=sub/x.bin</c>), as aria2's
/// <c>out=</c>: the folders are kept below the output directory, every part sanitized like a file
/// name. A name that would leave the directory (<c>..</c>, an absolute path) is refused, not
/// quietly cut down to its last part.
/// </summary>
internal static class OutPath
{
    /// <summary>Why <paramref name="outName"/> cannot be used, or null when it stays inside the output directory.</summary>
    public static string? Problem(string outName)
    {
        if (outName.Length == 0 || outName[0] is '/' or '\\' || Path.IsPathRooted(outName) || (outName.Length > 1 && outName[1] == ':'))
        {
            return $"'{outName}' is an absolute path; an output name stays inside the output directory";
        }

        var parts = outName.Split(['/', '\\']);
        if (parts.Any(part => part == ".."))
        {
            return $"'{outName}' leaves the output directory ('..' is not allowed)";
        }

        return FileNamer.Sanitize(parts[^1]) is null
            ? $"'{outName}' does not end in a usable file name"
            : null;
    }

    /// <summary>The folder part of <paramref name="outName"/> (null when there is none) and its sanitized file name.</summary>
    public static (string? SubDirectory, string? Name) Split(string? outName)
    {
        if (outName is null)
        {
            return (null, null);
        }

        var separator = outName.LastIndexOfAny(['/', '\\']);
        return separator < 0
            ? (null, FileNamer.Sanitize(outName))
            : (outName[..separator], FileNamer.Sanitize(outName[(separator + 1)..]));
    }
}
