namespace Haul.Scheduling;

/// <summary>
/// The spacing between requests to one host and its <c>Retry-After</c> pauses, kept where every
/// worker of a job sees them. A <see cref="HostPacer"/> given one leaves its pacing to it.
/// </summary>
internal interface ISharedHostPacing
{
    /// <summary>Books the next turn on <paramref name="hostKey"/>, at least <paramref name="delay"/> after the last one and after any pause, and waits for it.</summary>
    ValueTask WaitTurnAsync(string hostKey, TimeSpan delay, CancellationToken cancellationToken);

    /// <summary>No request to this host, from any worker, before <paramref name="wait"/> has passed.</summary>
    void BackOff(string hostKey, TimeSpan wait);
}
