using Haul.Scheduling;

namespace Haul.Distributed;

/// <summary>
/// A job's pacing of each host, in Redis: the delay between two requests (<c>--delay</c>,
/// robots.txt Crawl-delay) and the pause a <c>Retry-After</c> asks for hold for every worker.
/// </summary>
internal sealed class RedisHostPacing(JobConnection job, TimeProvider timeProvider, CancellationToken lifetime) : ISharedHostPacing
{
    /// <summary>The least delay between two requests to any host (a crawl job's <c>--delay</c>).</summary>
    public TimeSpan MinimumDelay { get; set; }

    public async ValueTask WaitTurnAsync(string hostKey, TimeSpan delay, CancellationToken cancellationToken)
    {
        delay = delay > MinimumDelay ? delay : MinimumDelay;
        var wait = (long)await RedisRetry.UntilDoneAsync(
            () => job.EvaluateAsync(JobScripts.HostTurn, [job.Keys.HostPacing(hostKey)], [(long)delay.TotalMilliseconds]),
            timeProvider,
            cancellationToken).ConfigureAwait(false);
        if (wait > 0)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(wait), timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    public void BackOff(string hostKey, TimeSpan wait) => _ = PauseAsync(hostKey, wait);

    /// <remarks>Never throws: the pause is advice to the other workers, and this one keeps its own.</remarks>
    private async Task PauseAsync(string hostKey, TimeSpan wait)
    {
        try
        {
            await RedisRetry.UntilDoneAsync(
                () => job.EvaluateAsync(JobScripts.HostPause, [job.Keys.HostPacing(hostKey)], [(long)wait.TotalMilliseconds]),
                timeProvider,
                lifetime).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException)
        {
        }
    }
}
