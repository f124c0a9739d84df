using Haul.Transfer;
using Microsoft.Extensions.Time.Testing;

namespace Haul.Tests.Transfer;

public sealed class ReadIdleTimerTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    [Fact]
    public void Start_ServerSilentForTheTimeout_ReadTokenCancelled()
    {
        using var fixture = new Fixture();
        fixture.Reads.Start();

        fixture.Clock.Advance(Timeout - TimeSpan.FromMilliseconds(1));
        fixture.Reads.Token.IsCancellationRequested.ShouldBeFalse();
        fixture.Clock.Advance(TimeSpan.FromMilliseconds(1));

        fixture.Reads.Token.IsCancellationRequested.ShouldBeTrue();
    }

    [Fact]
    public void Pause_OwnWaitsBetweenReads_NeverCountTowardsTheTimeout()
    {
        using var fixture = new Fixture();
        fixture.Reads.Start();
        fixture.Clock.Advance(Timeout / 2);
        fixture.Reads.Pause();

        // A rate limit's turn, a slow disk, a hasher behind: ten timeouts long.
        fixture.Clock.Advance(Timeout * 10);
        fixture.Reads.Token.IsCancellationRequested.ShouldBeFalse();
        fixture.Reads.Start();
        fixture.Clock.Advance(Timeout - TimeSpan.FromMilliseconds(1));

        fixture.Reads.Token.IsCancellationRequested.ShouldBeFalse();
    }

    [Fact]
    public void Pause_TimerRanOutAfterTheReadEnded_NextReadGetsAFreshToken()
    {
        using var fixture = new Fixture();
        fixture.Reads.Start();
        // The read returned its bytes; the timer runs out before the pause.
        fixture.Clock.Advance(Timeout);
        var spent = fixture.Reads.Token;
        spent.IsCancellationRequested.ShouldBeTrue();

        fixture.Reads.Pause();

        fixture.Reads.Token.IsCancellationRequested.ShouldBeFalse();
        fixture.Reads.Start();
        fixture.Clock.Advance(Timeout);
        fixture.Reads.Token.IsCancellationRequested.ShouldBeTrue("the fresh timer still times a silent server");
    }

    [Fact]
    public void Pause_TransferStopped_TokenStaysCancelled()
    {
        using var fixture = new Fixture();
        fixture.Reads.Start();
        fixture.Stop.Cancel();

        fixture.Reads.Pause();

        fixture.Reads.Token.IsCancellationRequested.ShouldBeTrue();
    }

    private sealed class Fixture : IDisposable
    {
        private readonly CancellationTokenSource _idle;
        private readonly CancellationTokenSource _linked;

        public Fixture()
        {
            _idle = new CancellationTokenSource(System.Threading.Timeout.InfiniteTimeSpan, Clock);
            _linked = CancellationTokenSource.CreateLinkedTokenSource(Stop.Token, _idle.Token);
            Reads = new ReadIdleTimer(_idle, _linked.Token, Stop.Token, Timeout, Clock);
        }

        public FakeTimeProvider Clock { get; } = new();

        public CancellationTokenSource Stop { get; } = new();

        public ReadIdleTimer Reads { get; }

        public void Dispose()
        {
            Reads.Dispose();
            _linked.Dispose();
            _idle.Dispose();
            Stop.Dispose();
        }
    }
}
