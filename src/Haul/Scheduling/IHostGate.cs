namespace Haul.Scheduling;

/// <summary>
/// Admits transfers to one host (host and port) up to the per-host limit. The default,
/// <see cref="HostLimiter"/>, counts within this process; a distributed gate counts across every
/// worker of a job, so the limit holds for the cluster, not per machine.
/// </summary>
internal interface IHostGate
{
    /// <summary>Waits for a slot on <paramref name="hostKey"/>; disposing the result gives it back.</summary>
    ValueTask<IAsyncDisposable> EnterAsync(string hostKey, CancellationToken cancellationToken);
}
