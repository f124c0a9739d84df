namespace Haul.Progress;

/// <summary>An immutable picture of a run at one moment; take a new one to see it move.</summary>
public sealed record DownloadProgress
{
    /// <summary>When the snapshot was taken.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>Requests read from the source so far.</summary>
    public required long Queued { get; init; }

    /// <summary>The number of requests in the source, once it has been read to the end; null until then.</summary>
    public long? Total { get; init; }

    /// <summary>Downloads that finished with <see cref="DownloadStatus.Ok"/>.</summary>
    public required long Succeeded { get; init; }

    /// <summary>Downloads that were already complete.</summary>
    public required long Skipped { get; init; }

    /// <summary>Downloads that failed.</summary>
    public required long Failed { get; init; }

    /// <summary>Bytes received from the network in this run (resumed bytes on disk not counted).</summary>
    public required long BytesReceived { get; init; }

    /// <summary>The sizes of the files saved so far in this run (resumed bytes included).</summary>
    public long SavedBytes { get; init; }

    /// <summary>
    /// Bytes the transfers in flight still expect, counting only those whose length the server
    /// gave; null when none of them has a known length.
    /// </summary>
    public long? ActiveBytesRemaining
    {
        get
        {
            long? remaining = null;
            foreach (var transfer in Active)
            {
                if (transfer.Length is { } length)
                {
                    remaining = (remaining ?? 0) + Math.Max(0, length - transfer.Received);
                }
            }

            return remaining;
        }
    }

    /// <summary>
    /// The bytes still expected from the whole run, where they can be known: what the transfers in
    /// flight still expect, plus, for requests not started yet, the mean size of the files saved
    /// so far. Null while the source is still being read, or while no file gives a size to go by.
    /// </summary>
    public long? ExpectedBytesRemaining
    {
        get
        {
            if (Total is not { } total || ActiveBytesRemaining is not { } active && Active.Count > 0)
            {
                return null;
            }

            var waiting = Math.Max(0, total - Finished - Active.Count);
            if (waiting == 0)
            {
                return ActiveBytesRemaining ?? 0;
            }

            return Succeeded > 0 ? (ActiveBytesRemaining ?? 0) + (waiting * (SavedBytes / Succeeded)) : null;
        }
    }

    /// <summary>
    /// Why the journal stopped recording this run, once it has (a disk that fills up, a file that
    /// goes bad); null while it works. Downloads go on without it, but a re-run cannot skip what
    /// it failed to record.
    /// </summary>
    public string? JournalError { get; init; }

    /// <summary>The transfers in flight.</summary>
    public required IReadOnlyList<TransferSnapshot> Active { get; init; }

    /// <summary>Downloads finished in any way.</summary>
    public long Finished => Succeeded + Skipped + Failed;
}
