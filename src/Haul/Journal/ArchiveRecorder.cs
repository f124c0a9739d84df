using Haul.Events;

namespace Haul.Journal;

/// <summary>Adds every file a run saves to the shared archive (<c>--archive FILE</c>), by observing the run's events.</summary>
internal sealed class ArchiveRecorder(DownloadArchive archive, TimeProvider timeProvider) : IRunObserver
{
    public void Observe(DownloadEvent downloadEvent)
    {
        // Only bytes this run received and verified: a file adopted from disk was never checked against the server's.
        if (downloadEvent is FileCommitted committed)
        {
            archive.Record(new ArchiveEntry(UrlKey.From(committed.Uri), committed.Url, committed.Sha256, committed.Size, Path.GetFullPath(committed.Path), timeProvider.GetUtcNow()));
        }
    }
}
