namespace Haul.Distributed;

/// <summary>A distributed job at one moment: its counts, its oldest pending entry and its workers.</summary>
public sealed record JobStatus
{
    /// <summary>The job's name.</summary>
    public required string Job { get; init; }

    /// <summary>Whether the job's input is complete: workers leave once nothing is queued or in flight.</summary>
    public bool Closed { get; init; }

    /// <summary>Whether the job is a crawl (it has crawl settings stored with it).</summary>
    public bool IsCrawl { get; init; }

    /// <summary>Entries ever added (duplicates left out).</summary>
    public long Enqueued { get; init; }

    /// <summary>Entries no worker has taken yet.</summary>
    public long Queued { get; init; }

    /// <summary>Entries a worker holds and has not finished.</summary>
    public long InFlight { get; init; }

    /// <summary>Entries downloaded.</summary>
    public long Ok { get; init; }

    /// <summary>Entries skipped (already complete, or left out by a rule).</summary>
    public long Skipped { get; init; }

    /// <summary>Entries that failed.</summary>
    public long Failed { get; init; }

    /// <summary>Pages a crawl job has visited.</summary>
    public long Pages { get; init; }

    /// <summary>The age of the oldest entry not finished (queued or in flight), if any.</summary>
    public TimeSpan? OldestPendingAge { get; init; }

    /// <summary>The URL of the oldest entry not finished, if any.</summary>
    public string? OldestPendingUrl { get; init; }

    /// <summary>The job's workers, by name.</summary>
    public IReadOnlyList<WorkerStatus> Workers { get; init; } = [];

    /// <summary>Closed, with nothing queued or in flight.</summary>
    public bool Done => Closed && Queued == 0 && InFlight == 0;
}
