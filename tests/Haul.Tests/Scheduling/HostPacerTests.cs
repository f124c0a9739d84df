using Haul.Scheduling;
using Microsoft.Extensions.Time.Testing;

namespace Haul.Tests.Scheduling;

public sealed class HostPacerTests
{
    [Fact]
    public async Task WaitTurnAsync_SecondRequestToSameHost_WaitsForTheDelay()
    {
        var time = new FakeTimeProvider();
        var pacer = new HostPacer(TimeSpan.FromSeconds(2), time);

        await pacer.WaitTurnAsync("a:80", TestContext.Current.CancellationToken);
        var second = pacer.WaitTurnAsync("a:80", TestContext.Current.CancellationToken).AsTask();
        var otherHost = pacer.WaitTurnAsync("b:80", TestContext.Current.CancellationToken).AsTask();

        otherHost.IsCompletedSuccessfully.ShouldBeTrue();
        second.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromMilliseconds(1999));
        second.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromMilliseconds(1));
        await second.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task BackOff_RetryAfter_HoldsEveryRequestToThatHost()
    {
        var time = new FakeTimeProvider();
        var pacer = new HostPacer(TimeSpan.Zero, time);

        pacer.BackOff("busy:443", TimeSpan.FromSeconds(30));
        var first = pacer.WaitTurnAsync("busy:443", TestContext.Current.CancellationToken).AsTask();
        var second = pacer.WaitTurnAsync("busy:443", TestContext.Current.CancellationToken).AsTask();

        first.IsCompleted.ShouldBeFalse();
        second.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromSeconds(30));
        await Task.WhenAll(first, second).WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task SetDelay_CrawlDelayLongerThanDefault_Wins()
    {
        var time = new FakeTimeProvider();
        var pacer = new HostPacer(TimeSpan.FromSeconds(1), time);
        pacer.SetDelay("slow:80", TimeSpan.FromSeconds(5));

        await pacer.WaitTurnAsync("slow:80", TestContext.Current.CancellationToken);
        var next = pacer.WaitTurnAsync("slow:80", TestContext.Current.CancellationToken).AsTask();
        time.Advance(TimeSpan.FromSeconds(4));

        next.IsCompleted.ShouldBeFalse();
        time.Advance(TimeSpan.FromSeconds(1));
        await next.WaitAsync(TimeSpan.FromSeconds(30), TestContext.Current.CancellationToken);
    }
}
