using System.Collections.Concurrent;

namespace Haul.Progress;

/// <summary>Counts what a run has done; cheap to update from the hot path, snapshotted on demand.</summary>
internal sealed class ProgressTracker(TimeProvider timeProvider, Metrics.HaulMetrics? metrics = null)
{
    private readonly ConcurrentDictionary<long, TransferProgress> _active = new();
    private long _nextId;
    private long _queued;
    private long _total = -1;
    private long _succeeded;
    private long _skipped;
    private long _failed;
    private long _bytes;
    private long _savedBytes;
    private string? _journalError;

    public void Queued() => Interlocked.Increment(ref _queued);

    public void SourceCompleted() => Volatile.Write(ref _total, Volatile.Read(ref _queued));

    public void AddBytes(long bytes)
    {
        Interlocked.Add(ref _bytes, bytes);
        metrics?.BytesReceived(bytes);
    }

    /// <summary>Keeps the first journal failure of the run; the run itself goes on.</summary>
    public void JournalFailed(string message) => Interlocked.CompareExchange(ref _journalError, message, null);

    public (long Id, TransferProgress Progress) Start(string url, string name, long downloadId = 0)
    {
        var id = Interlocked.Increment(ref _nextId);
        var progress = new TransferProgress(url, name, downloadId);
        _active[id] = progress;
        return (id, progress);
    }

    public void Stop(long id) => _active.TryRemove(id, out _);

    public void Finished(DownloadResult result)
    {
        switch (result.Status)
        {
            case DownloadStatus.Ok:
                Interlocked.Add(ref _savedBytes, result.Bytes);
                Interlocked.Increment(ref _succeeded);
                break;
            case DownloadStatus.Skipped:
                Interlocked.Increment(ref _skipped);
                break;
            default:
                Interlocked.Increment(ref _failed);
                break;
        }
    }

    public DownloadProgress Snapshot()
    {
        var total = Volatile.Read(ref _total);
        return new DownloadProgress
        {
            Timestamp = timeProvider.GetUtcNow(),
            Queued = Volatile.Read(ref _queued),
            Total = total < 0 ? null : total,
            Succeeded = Volatile.Read(ref _succeeded),
            Skipped = Volatile.Read(ref _skipped),
            Failed = Volatile.Read(ref _failed),
            BytesReceived = Volatile.Read(ref _bytes),
            SavedBytes = Volatile.Read(ref _savedBytes),
            JournalError = Volatile.Read(ref _journalError),
            // ToArray is the dictionary's own atomic copy; LINQ would size an array by Count and
            // then copy, and a transfer ending in between leaves empty slots behind.
            Active = [.. _active.ToArray().OrderBy(pair => pair.Key).Select(pair => pair.Value.Snapshot())],
        };
    }
}
