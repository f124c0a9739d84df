namespace Haul.Distributed;

/// <summary>One worker of a job: what it did, how fast, and whether it still shows life.</summary>
public sealed record WorkerStatus
{
    /// <summary>The worker's name in the job.</summary>
    public required string Name { get; init; }

    /// <summary><c>running</c>, <c>done</c>, <c>interrupted</c>, or <c>silent</c> (running, but not seen for a while: likely dead).</summary>
    public required string State { get; init; }

    /// <summary>The machine the worker runs on.</summary>
    public string? Host { get; init; }

    /// <summary>The worker's output directory.</summary>
    public string? Directory { get; init; }

    /// <summary>Entries the worker holds now.</summary>
    public long InFlight { get; init; }

    /// <summary>Entries the worker downloaded.</summary>
    public long Ok { get; init; }

    /// <summary>Entries the worker skipped.</summary>
    public long Skipped { get; init; }

    /// <summary>Entries that failed in this worker.</summary>
    public long Failed { get; init; }

    /// <summary>Bytes the worker received.</summary>
    public long Bytes { get; init; }

    /// <summary>From joining to leaving, or to its last sign of life.</summary>
    public TimeSpan Active { get; init; }

    /// <summary>Time since the worker's last sign of life.</summary>
    public TimeSpan SinceSeen { get; init; }

    /// <summary>Entries finished per second while active.</summary>
    public double FilesPerSecond => Active.TotalSeconds > 0 ? (Ok + Skipped + Failed) / Active.TotalSeconds : 0;

    /// <summary>Bytes received per second while active.</summary>
    public double BytesPerSecond => Active.TotalSeconds > 0 ? Bytes / Active.TotalSeconds : 0;
}
