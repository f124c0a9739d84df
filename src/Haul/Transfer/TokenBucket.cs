namespace Haul.Transfer;

/// <summary>
/// A bandwidth limit in bytes per second. The bucket refills at the rate, holding at most a
/// twentieth of a second's worth; a take beyond what is there leaves a debt that the taker waits
/// out, so readers sharing one bucket line up behind each other and together never pass the rate.
/// Readers take before they read (what a read may bring) and give back what it did not bring.
/// </summary>
internal sealed class TokenBucket
{
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly double _capacity;
    private double _tokens;
    private long _stamp;

    public TokenBucket(long bytesPerSecond, TimeProvider time)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(bytesPerSecond, 1);
        BytesPerSecond = bytesPerSecond;
        _time = time;
        _capacity = Math.Max(bytesPerSecond / 20.0, 1);
        _tokens = _capacity;
        _stamp = time.GetTimestamp();
    }

    public long BytesPerSecond { get; }

    /// <summary>The most a reader should ask for at once, so that no single wait is long.</summary>
    public int ChunkLimit => (int)Math.Clamp(BytesPerSecond / 20, 1024, int.MaxValue);

    /// <summary>Takes <paramref name="count"/> bytes' worth; returns how long the taker must wait before going on.</summary>
    public TimeSpan Take(int count)
    {
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            _tokens = Math.Min(_capacity, _tokens + (_time.GetElapsedTime(_stamp, now).TotalSeconds * BytesPerSecond));
            _stamp = now;
            _tokens -= count;
            return _tokens >= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(-_tokens / BytesPerSecond);
        }
    }

    /// <summary>Gives back bytes taken but not received (a read that brought less than it asked for).</summary>
    public void Return(int count)
    {
        lock (_gate)
        {
            _tokens = Math.Min(_capacity, _tokens + count);
        }
    }

    public ValueTask TakeAsync(int count, CancellationToken cancellationToken)
    {
        var wait = Take(count);
        return wait <= TimeSpan.Zero ? ValueTask.CompletedTask : new ValueTask(Task.Delay(wait, _time, cancellationToken));
    }
}
