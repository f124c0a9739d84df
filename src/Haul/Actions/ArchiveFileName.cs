namespace Haul.Actions;

/// <summary>Tells archives from other files by name, and names the folder an archive unpacks into.</summary>
internal static class ArchiveFileName
{
    /// <summary>Longer suffixes first, so <c>a.tar.gz</c> is never taken for a plain <c>.gz</c>.</summary>
    private static readonly (string Suffix, ArchiveFormat Format)[] Suffixes =
    [
        (".tar.gz", ArchiveFormat.TarGzip),
        (".tgz", ArchiveFormat.TarGzip),
        (".tar", ArchiveFormat.Tar),
        (".zip", ArchiveFormat.Zip),
    ];

    /// <summary>Used when stripping the extension leaves nothing usable, as for <c>.zip</c> or <c>...tgz</c>.</summary>
    private const string FallbackFolderName = "archive";

    /// <summary>The suffixes that are recognised, for messages.</summary>
    public const string KnownSuffixes = ".zip, .tar, .tar.gz, .tgz";

    /// <summary>Whether <paramref name="path"/> names an archive, and if so its format and folder name.</summary>
    public static bool TryParse(string path, out ArchiveFormat format, out string folderName)
    {
        var name = Path.GetFileName(path);
        foreach (var (suffix, candidate) in Suffixes)
        {
            if (name.Length > 0 && name.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
            {
                format = candidate;
                var stem = name[..^suffix.Length];

                // A stem of dots would name the download directory itself or its parent.
                folderName = stem.Trim('.').Length == 0 ? FallbackFolderName : stem;
                return true;
            }
        }

        format = default;
        folderName = string.Empty;
        return false;
    }
}
