namespace Haul.Distributed;

/// <summary>A job at one moment, as <c>haul status</c> shows it.</summary>
internal sealed record JobStatus
{
    public required string Job { get; init; }

    public bool Closed { get; init; }

    public bool IsCrawl { get; init; }

    /// <summary>Entries ever added (duplicates left out).</summary>
    public long Enqueued { get; init; }

    /// <summary>Entries no worker has taken yet.</summary>
    public long Queued { get; init; }

    /// <summary>Entries a worker holds and has not finished.</summary>
    public long InFlight { get; init; }

    public long Ok { get; init; }

    public long Skipped { get; init; }

    public long Failed { get; init; }

    /// <summary>Pages a crawl job has visited.</summary>
    public long Pages { get; init; }

    /// <summary>The age of the oldest entry not finished (queued or in flight), if any.</summary>
    public TimeSpan? OldestPendingAge { get; init; }

    public string? OldestPendingUrl { get; init; }

    public IReadOnlyList<WorkerStatus> Workers { get; init; } = [];

    /// <summary>Closed, with nothing queued or in flight.</summary>
    public bool Done => Closed && Queued == 0 && InFlight == 0;
}

/// <summary>One worker of a job: what it did, how fast, and whether it still shows life.</summary>
internal sealed record WorkerStatus
{
    public required string Name { get; init; }

    /// <summary><c>running</c>, <c>done</c>, <c>interrupted</c>, or <c>silent</c> (running, but not seen for a while: likely dead).</summary>
    public required string State { get; init; }

    public string? Host { get; init; }

    public string? Directory { get; init; }

    public long InFlight { get; init; }

    public long Ok { get; init; }

    public long Skipped { get; init; }

    public long Failed { get; init; }

    public long Bytes { get; init; }

    /// <summary>From joining to leaving, or to its last sign of life.</summary>
    public TimeSpan Active { get; init; }

    public TimeSpan SinceSeen { get; init; }

    public double FilesPerSecond => Active.TotalSeconds > 0 ? (Ok + Skipped + Failed) / Active.TotalSeconds : 0;

    public double BytesPerSecond => Active.TotalSeconds > 0 ? Bytes / Active.TotalSeconds : 0;
}
