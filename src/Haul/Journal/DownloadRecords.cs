using Haul.Transfer;

namespace Haul.Journal;

/// <summary>The planner's and the transfers' reads of a run's journal and archive (either may be absent).</summary>
internal sealed class DownloadRecords(DownloadJournal? journal, DownloadArchive? archive, string root) : IDownloadRecords
{
    public bool KeepsJournal => journal is not null;

    public ArchivedDownload? FindArchived(Uri uri) =>
        archive?.Find(UrlKey.From(uri)) is { } entry ? new ArchivedDownload(entry.Path, entry.Size, entry.Sha256) : null;

    public KnownDownload? Find(string url) => Known(journal?.Find(url));

    public KnownDownload? FindLatest(string url) => Known(journal?.FindLatest(url));

    public string? OwnerOf(string path) => journal?.FindByPath(Path.GetRelativePath(root, path))?.Url;

    public IEnumerable<string> PathsWithContent(string sha256) =>
        (journal?.FindBySha256(sha256).Select(entry => Path.Combine(root, entry.Path)) ?? [])
            .Concat(archive?.FindBySha256(sha256).Select(entry => entry.Path) ?? []);

    private KnownDownload? Known(JournalEntry? entry) => entry is null
        ? null
        : new KnownDownload(Path.Combine(root, entry.Path), entry.State == JournalState.Done, entry.Size, entry.Sha256, entry.ETag, entry.LastModified, entry.Attempts);
}
