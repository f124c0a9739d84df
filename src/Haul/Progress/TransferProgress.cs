namespace Haul.Progress;

/// <summary>The live, mutable counters of one transfer; read only through snapshots.</summary>
internal sealed class TransferProgress(string url, string name, long downloadId = 0)
{
    private long _received;
    private long _length = -1;
    private int _attempt;

    public string Url { get; } = url;

    public string Name { get; set; } = name;

    public void SetPosition(long received, long? length)
    {
        Volatile.Write(ref _received, received);
        Volatile.Write(ref _length, length ?? -1);
    }

    public void Advance(long bytes) => Interlocked.Add(ref _received, bytes);

    public void SetAttempt(int attempt) => Volatile.Write(ref _attempt, attempt);

    public TransferSnapshot Snapshot()
    {
        var length = Volatile.Read(ref _length);
        return new TransferSnapshot(Url, Name, Volatile.Read(ref _received), length < 0 ? null : length, Volatile.Read(ref _attempt)) { DownloadId = downloadId };
    }
}
