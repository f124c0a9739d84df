namespace Haul.Transfer;

/// <summary>
/// The overall bandwidth limit of a <see cref="Downloader"/>, changeable while transfers run (a
/// daemon's <c>max-overall-download-limit</c>). A change takes effect at each transfer's next read:
/// readers fetch <see cref="Current"/> every time instead of keeping a bucket.
/// </summary>
internal sealed class RateDial(long? bytesPerSecond, TimeProvider timeProvider)
{
    private TokenBucket? _current = bytesPerSecond is { } rate ? new TokenBucket(rate, timeProvider) : null;

    /// <summary>The bucket every transfer shares now; null: unlimited.</summary>
    public TokenBucket? Current => Volatile.Read(ref _current);

    /// <summary>Sets the limit in bytes per second; null or 0: unlimited.</summary>
    public void Set(long? bytesPerSecond)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(bytesPerSecond ?? 0, nameof(bytesPerSecond));
        Volatile.Write(ref _current, bytesPerSecond is > 0 and var rate ? new TokenBucket(rate, timeProvider) : null);
    }
}
