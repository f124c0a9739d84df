using Haul.Transfer;
using Microsoft.Extensions.Time.Testing;

namespace Haul.Tests.Transfer;

public sealed class TokenBucketTests
{
    /// <summary>
    /// Readers that each take a chunk, wait what the bucket says, then receive it, simulated on a
    /// fake clock: the bytes received in the first three seconds are within 15% of the rate.
    /// </summary>
    [Theory]
    [InlineData(100_000, 1, 5_000)]
    [InlineData(100_000, 8, 5_000)]
    [InlineData(500 * 1024, 64, 16 * 1024)]
    [InlineData(10 * 1024 * 1024, 4, 64 * 1024)]
    [InlineData(2_000, 3, 1_024)]
    public void Take_ReadersSharingABucket_PassTheRateWithinFifteenPercentOverThreeSeconds(long rate, int readers, int chunk)
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(rate, time);
        var chunkSize = Math.Min(chunk, bucket.ChunkLimit);
        var window = TimeSpan.FromSeconds(3);
        var readyAt = new TimeSpan[readers];
        var elapsed = TimeSpan.Zero;
        long passed = 0;

        while (true)
        {
            var next = Array.IndexOf(readyAt, readyAt.Min());
            if (readyAt[next] >= window)
            {
                break;
            }

            time.Advance(readyAt[next] - elapsed);
            elapsed = readyAt[next];
            readyAt[next] = elapsed + bucket.Take(chunkSize);
            if (readyAt[next] < window)
            {
                passed += chunkSize;
            }
        }

        var expected = rate * window.TotalSeconds;
        passed.ShouldBeInRange((long)(expected * 0.85), (long)(expected * 1.15));
    }

    [Fact]
    public void Take_WithinTheBurst_DoesNotWait()
    {
        var bucket = new TokenBucket(1_000_000, new FakeTimeProvider());

        bucket.Take(10_000).ShouldBe(TimeSpan.Zero);
        bucket.Take(40_000).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Take_BeyondTheTokens_WaitIsTheDebtAtTheRate()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(1_000_000, time);
        bucket.Take(50_000);

        bucket.Take(100_000).ShouldBe(TimeSpan.FromMilliseconds(100));

        // The second reader queues behind the first one's debt.
        bucket.Take(100_000).ShouldBe(TimeSpan.FromMilliseconds(200));
        time.Advance(TimeSpan.FromMilliseconds(200));
        bucket.Take(0).ShouldBe(TimeSpan.Zero);
    }

    [Fact]
    public void Take_AfterALongIdle_BurstIsCapped()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(1_000_000, time);
        time.Advance(TimeSpan.FromMinutes(5));

        bucket.Take(50_000).ShouldBe(TimeSpan.Zero);
        bucket.Take(1_000).ShouldBe(TimeSpan.FromMilliseconds(1));
    }

    [Fact]
    public void Return_UnusedBytes_ShortenTheNextWait()
    {
        var bucket = new TokenBucket(1_000_000, new FakeTimeProvider());
        bucket.Take(50_000);
        bucket.Take(100_000).ShouldBe(TimeSpan.FromMilliseconds(100));

        bucket.Return(60_000);

        bucket.Take(10_000).ShouldBe(TimeSpan.FromMilliseconds(50));
    }

    [Fact]
    public async Task TakeAsync_WaitsOnTheGivenClock()
    {
        var time = new FakeTimeProvider();
        var bucket = new TokenBucket(10_000, time);
        bucket.Take(500);

        var waiting = bucket.TakeAsync(1_000, TestContext.Current.CancellationToken).AsTask();

        waiting.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromMilliseconds(99));
        waiting.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromMilliseconds(1));
        await waiting.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }
}
