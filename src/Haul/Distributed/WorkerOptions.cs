namespace Haul.Distributed;

/// <summary>How a worker takes part in a job; how it downloads is its <see cref="DownloadOptions"/>.</summary>
public sealed record WorkerOptions
{
    /// <summary>The consumer name in the job; unique per worker (by default host name and process id).</summary>
    public string Name { get; init; } = $"{Environment.MachineName}-{Environment.ProcessId}";

    /// <summary>An entry whose worker has not shown life for this long is taken over by another.</summary>
    public TimeSpan VisibilityTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Leave once the job is closed and nothing is queued or in flight; otherwise wait for more.</summary>
    public bool ExitWhenDone { get; init; } = true;

    /// <summary>Entries asked for at once.</summary>
    public int ReadBatch { get; init; } = 64;

    /// <summary>The longest wait between two looks at an empty queue.</summary>
    public TimeSpan LongestIdlePoll { get; init; } = TimeSpan.FromMilliseconds(500);
}
