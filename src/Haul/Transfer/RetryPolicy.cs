using Haul.Errors;

namespace Haul.Transfer;

/// <summary>
/// Decides whether a failed attempt is tried again and after how long: transient kinds only,
/// <c>Retry-After</c> when the server gave one, else exponential backoff with jitter.
/// </summary>
internal sealed class RetryPolicy(DownloadOptions options, Func<double> nextRandom)
{
    public RetryPolicy(DownloadOptions options)
        : this(options, Random.Shared.NextDouble)
    {
    }

    /// <summary>The wait before the next attempt, or null when the download has failed for good.</summary>
    /// <param name="error">What the last attempt failed with.</param>
    /// <param name="attemptsMade">Attempts made so far, from 1.</param>
    public TimeSpan? NextDelay(HaulException error, int attemptsMade)
    {
        if (!error.IsTransient || attemptsMade > options.Retries)
        {
            return null;
        }

        if (error is HttpStatusException { RetryAfter: { } retryAfter })
        {
            return retryAfter <= options.MaxRetryAfter ? retryAfter : null;
        }

        // "Equal jitter": half the exponential step is fixed, half random, so clients that failed
        // together spread out but none retries almost at once.
        var exponent = Math.Min(attemptsMade - 1, 30);
        var step = Math.Min(options.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, exponent), options.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds((step / 2) + (step / 2 * nextRandom()));
    }
}
