namespace Haul.Transfer;

/// <summary>
/// Where a transfer passes on a host's request for a pause (a 429 or 503 with <c>Retry-After</c>)
/// so that every request to that host waits; the scheduler's pacing implements it.
/// </summary>
internal interface IHostBackOff
{
    /// <summary>No request to <paramref name="host"/> before <paramref name="wait"/> has passed.</summary>
    void BackOff(string host, TimeSpan wait);
}
