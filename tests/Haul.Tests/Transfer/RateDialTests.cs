using Haul.Transfer;
using Microsoft.Extensions.Time.Testing;

namespace Haul.Tests.Transfer;

public sealed class RateDialTests
{
    [Fact]
    public void Set_NewLimitWhileRunning_ReadersGetTheNewBucketAndZeroLiftsIt()
    {
        var time = new FakeTimeProvider();
        var dial = new RateDial(null, time);
        dial.Current.ShouldBeNull();

        dial.Set(100_000);
        var limited = dial.Current.ShouldNotBeNull();
        limited.BytesPerSecond.ShouldBe(100_000);

        // A take far past the rate must be waited out: the limit is in force at once.
        limited.Take(200_000).ShouldBeGreaterThan(TimeSpan.FromSeconds(1));

        dial.Set(0);
        dial.Current.ShouldBeNull();
        Should.Throw<ArgumentOutOfRangeException>(() => dial.Set(-1));
    }

    [Fact]
    public void New_FromTheRunsLimit_StartsWithIt()
    {
        new RateDial(5_000, new FakeTimeProvider()).Current.ShouldNotBeNull().BytesPerSecond.ShouldBe(5_000);
    }
}
