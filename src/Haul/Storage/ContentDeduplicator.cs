using Haul.Journal;

namespace Haul.Storage;

/// <summary>
/// Finds a first copy of the same content (<c>--dedupe</c>) in this directory's journal and in the
/// shared archive: same SHA-256, same size, still on disk.
/// </summary>
internal sealed class ContentDeduplicator(JournalRecorder? journal, DownloadArchive? archive, string root)
{
    public string? FindTwin(string sha256, long size, string exclude)
    {
        var candidates = (journal?.Journal.FindBySha256(sha256).Select(entry => Path.Combine(root, entry.Path)) ?? [])
            .Concat(archive?.FindBySha256(sha256).Select(entry => entry.Path) ?? []);
        var excluded = Path.GetFullPath(exclude);
        return candidates.FirstOrDefault(candidate =>
            !string.Equals(Path.GetFullPath(candidate), excluded, StringComparison.Ordinal)
            && new FileInfo(candidate) is { Exists: true } info
            && info.Length == size);
    }
}
