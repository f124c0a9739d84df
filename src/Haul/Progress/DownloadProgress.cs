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
