using StackExchange.Redis;

namespace Haul.Distributed;

/// <summary>
/// Retries a Redis call while the server is unreachable, restarting or loading its data, with
/// exponential back-off and jitter. Work that does not need Redis goes on meanwhile; work that does
/// waits here instead of failing, so nothing is lost to an outage.
/// </summary>
internal static class RedisRetry
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan LongestDelay = TimeSpan.FromSeconds(5);

    public static async Task<T> UntilDoneAsync<T>(Func<Task<T>> operation, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                return await operation().ConfigureAwait(false);
            }
            catch (Exception ex) when (IsTransient(ex) && !cancellationToken.IsCancellationRequested)
            {
                await Task.Delay(Delay(attempt), timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    public static Task UntilDoneAsync(Func<Task> operation, TimeProvider timeProvider, CancellationToken cancellationToken) =>
        UntilDoneAsync(
            async () =>
            {
                await operation().ConfigureAwait(false);
                return true;
            },
            timeProvider,
            cancellationToken);

    /// <summary>What passes with time: the connection is down, the server restarts or loads its data.</summary>
    public static bool IsTransient(Exception exception) => exception switch
    {
        RedisConnectionException or RedisTimeoutException => true,
        RedisServerException server => server.Message.StartsWith("LOADING", StringComparison.Ordinal)
            || server.Message.StartsWith("TRYAGAIN", StringComparison.Ordinal)
            || server.Message.StartsWith("MASTERDOWN", StringComparison.Ordinal)
            || server.Message.StartsWith("BUSY", StringComparison.Ordinal),
        _ => false,
    };

    internal static TimeSpan Delay(int attempt)
    {
        var ceiling = Math.Min(LongestDelay.TotalMilliseconds, FirstDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 16)));
        return TimeSpan.FromMilliseconds((ceiling / 2) + (Random.Shared.NextDouble() * ceiling / 2));
    }
}
