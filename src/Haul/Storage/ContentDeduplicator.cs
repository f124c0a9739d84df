using System.Security.Cryptography;

namespace Haul.Storage;

/// <summary>
/// Finds a first copy of the same content (<c>--dedupe</c>) in this directory's journal and in the
/// shared archive: same SHA-256, same size, still on disk, not a symbolic link, and still those
/// bytes: a file can be rewritten in place after it was recorded, so a candidate of the right
/// length is hashed again before anything is linked to it. Only candidates reach that read.
/// The records are asked through <paramref name="candidates"/>: the paths they know for a SHA-256.
/// </summary>
internal sealed class ContentDeduplicator(Func<string, IEnumerable<string>> candidates)
{
    public string? FindTwin(string sha256, long size, string exclude)
    {
        var excluded = Path.GetFullPath(exclude);
        return candidates(sha256).FirstOrDefault(candidate =>
            !string.Equals(Path.GetFullPath(candidate), excluded, StringComparison.Ordinal)
            && new FileInfo(candidate) is { Exists: true, LinkTarget: null } info
            && info.Length == size
            && HasContent(candidate, sha256, size));
    }

    /// <summary>Whether the file at <paramref name="path"/> still holds the bytes of <paramref name="sha256"/>.</summary>
    private static bool HasContent(string path, string sha256, long size)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, bufferSize: 0, FileOptions.SequentialScan);

            // Opening follows a link: one put there since the check above is not read as the twin.
            if (!FileIdentity.StillNames(stream.SafeFileHandle, path) || stream.Length != size)
            {
                return false;
            }

            return string.Equals(Convert.ToHexStringLower(SHA256.HashData(stream)), sha256, StringComparison.OrdinalIgnoreCase);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone or unreadable since it was listed: not a copy to link to; the body is stored.
            return false;
        }
    }
}
