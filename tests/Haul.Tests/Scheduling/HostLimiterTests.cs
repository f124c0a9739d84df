using Haul.Scheduling;
using Shouldly;
using Xunit;

namespace Haul.Tests.Scheduling;

public sealed class HostLimiterTests
{
    // Only a guard against a hung test run; no test waits for it to pass.
    private static readonly TimeSpan Guard = TimeSpan.FromSeconds(30);

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AcquireAsync_UnderLimit_CompletesAtOnce()
    {
        var limiter = new HostLimiter(perHost: 2);

        var first = limiter.AcquireAsync("example.org", Ct);
        first.IsCompleted.ShouldBeTrue();
        using var a = await first;
        var second = limiter.AcquireAsync("example.org", Ct);
        second.IsCompleted.ShouldBeTrue();
        using var b = await second;

        limiter.TrackedHosts.ShouldBe(1);
    }

    [Fact]
    public async Task AcquireAsync_ThirdOnSameHost_WaitsUntilLeaseDisposed()
    {
        var limiter = new HostLimiter(perHost: 2);
        var a = await limiter.AcquireAsync("example.org", Ct);
        using var b = await limiter.AcquireAsync("example.org", Ct);

        var third = limiter.AcquireAsync("example.org", Ct).AsTask();

        third.IsCompleted.ShouldBeFalse();
        a.Dispose();
        using var c = await third.WaitAsync(Guard, Ct);
        limiter.TrackedHosts.ShouldBe(1);
    }

    [Fact]
    public async Task AcquireAsync_WaitingAcquire_StaysPendingWhileLeasesHeld()
    {
        var limiter = new HostLimiter(perHost: 1);
        var held = await limiter.AcquireAsync("example.org", Ct);

        var second = limiter.AcquireAsync("example.org", Ct).AsTask();
        var third = limiter.AcquireAsync("example.org", Ct).AsTask();

        second.IsCompleted.ShouldBeFalse();
        third.IsCompleted.ShouldBeFalse();
        held.Dispose();
        var next = await second.WaitAsync(Guard, Ct);
        third.IsCompleted.ShouldBeFalse();
        next.Dispose();
        (await third.WaitAsync(Guard, Ct)).Dispose();
        limiter.TrackedHosts.ShouldBe(0);
    }

    [Fact]
    public async Task AcquireAsync_SameHostOtherCase_SharesLimit()
    {
        var limiter = new HostLimiter(perHost: 2);
        var a = await limiter.AcquireAsync("example.org", Ct);
        using var b = await limiter.AcquireAsync("Example.ORG", Ct);

        var third = limiter.AcquireAsync("EXAMPLE.org", Ct);

        third.IsCompleted.ShouldBeFalse();
        limiter.TrackedHosts.ShouldBe(1);
        a.Dispose();
        (await third.AsTask().WaitAsync(Guard, Ct)).Dispose();
    }

    [Fact]
    public async Task AcquireAsync_OtherHostWhileOneIsFull_NotBlocked()
    {
        var limiter = new HostLimiter(perHost: 2);
        var a = await limiter.AcquireAsync("busy.example", Ct);
        using var b = await limiter.AcquireAsync("busy.example", Ct);
        var waiting = limiter.AcquireAsync("busy.example", Ct).AsTask();

        var other = limiter.AcquireAsync("quiet.example", Ct);

        other.IsCompleted.ShouldBeTrue();
        using var c = await other;
        waiting.IsCompleted.ShouldBeFalse();
        limiter.TrackedHosts.ShouldBe(2);
        a.Dispose();
        (await waiting.WaitAsync(Guard, Ct)).Dispose();
    }

    [Fact]
    public async Task TrackedHosts_AllLeasesDisposed_BackToZero()
    {
        var limiter = new HostLimiter(perHost: 2);
        var leases = new List<HostLimiter.Lease>();
        foreach (var host in new[] { "a.example", "b.example", "c.example", "a.example" })
        {
            leases.Add(await limiter.AcquireAsync(host, Ct));
        }

        limiter.TrackedHosts.ShouldBe(3);
        leases[0].Dispose();
        limiter.TrackedHosts.ShouldBe(3);
        leases[3].Dispose();
        limiter.TrackedHosts.ShouldBe(2);
        leases[1].Dispose();
        leases[2].Dispose();
        limiter.TrackedHosts.ShouldBe(0);
    }

    [Fact]
    public async Task TrackedHosts_WaiterCounted_UntilItsLeaseDisposed()
    {
        var limiter = new HostLimiter(perHost: 1);
        var held = await limiter.AcquireAsync("example.org", Ct);
        var waiting = limiter.AcquireAsync("example.org", Ct).AsTask();

        held.Dispose();

        limiter.TrackedHosts.ShouldBe(1);
        var lease = await waiting.WaitAsync(Guard, Ct);
        limiter.TrackedHosts.ShouldBe(1);
        lease.Dispose();
        limiter.TrackedHosts.ShouldBe(0);
    }

    [Fact]
    public async Task AcquireAsync_AfterHostForgotten_StartsAFreshGate()
    {
        var limiter = new HostLimiter(perHost: 1);
        (await limiter.AcquireAsync("example.org", Ct)).Dispose();
        limiter.TrackedHosts.ShouldBe(0);

        var again = limiter.AcquireAsync("example.org", Ct);

        again.IsCompleted.ShouldBeTrue();
        (await again).Dispose();
        limiter.TrackedHosts.ShouldBe(0);
    }

    [Fact]
    public async Task AcquireAsync_WaitingAcquireCancelled_ThrowsAndLeaksNothing()
    {
        var limiter = new HostLimiter(perHost: 1);
        var held = await limiter.AcquireAsync("example.org", Ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var waiting = limiter.AcquireAsync("example.org", cts.Token).AsTask();
        waiting.IsCompleted.ShouldBeFalse();

        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(waiting.WaitAsync(Guard, Ct));
        limiter.TrackedHosts.ShouldBe(1);
        held.Dispose();
        limiter.TrackedHosts.ShouldBe(0);
    }

    [Fact]
    public async Task AcquireAsync_WaitingAcquireCancelled_SlotNotConsumed()
    {
        var limiter = new HostLimiter(perHost: 1);
        var held = await limiter.AcquireAsync("example.org", Ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var cancelled = limiter.AcquireAsync("example.org", cts.Token).AsTask();
        await cts.CancelAsync();
        await Should.ThrowAsync<OperationCanceledException>(cancelled.WaitAsync(Guard, Ct));

        var next = limiter.AcquireAsync("example.org", Ct).AsTask();
        next.IsCompleted.ShouldBeFalse();
        held.Dispose();

        (await next.WaitAsync(Guard, Ct)).Dispose();
        limiter.TrackedHosts.ShouldBe(0);
    }

    [Fact]
    public async Task AcquireAsync_AlreadyCancelledToken_ThrowsAndLeaksNothing()
    {
        var limiter = new HostLimiter(perHost: 2);
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(limiter.AcquireAsync("example.org", cts.Token).AsTask());

        limiter.TrackedHosts.ShouldBe(0);
    }

    [Fact]
    public async Task AcquireAsync_ManyConcurrentUsers_NeverMoreThanPerHost()
    {
        const int perHost = 3;
        var limiter = new HostLimiter(perHost);
        var inside = 0;
        var most = 0;
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        async Task UseAsync()
        {
            using var lease = await limiter.AcquireAsync("example.org", Ct);
            var now = Interlocked.Increment(ref inside);
            InterlockedMax(ref most, now);
            await gate.Task.WaitAsync(Guard, Ct);
            await Task.Yield();
            Interlocked.Decrement(ref inside);
        }

        var users = Enumerable.Range(0, 20).Select(_ => Task.Run(UseAsync, Ct)).ToArray();
        gate.SetResult();
        await Task.WhenAll(users).WaitAsync(Guard, Ct);

        most.ShouldBeLessThanOrEqualTo(perHost);
        limiter.TrackedHosts.ShouldBe(0);
    }

    private static void InterlockedMax(ref int target, int value)
    {
        var current = Volatile.Read(ref target);
        while (value > current)
        {
            var seen = Interlocked.CompareExchange(ref target, value, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }
}
