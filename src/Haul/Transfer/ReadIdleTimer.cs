namespace Haul.Transfer;

/// <summary>
/// The idle timeout of one body's reads: it runs only while a read waits on the server, never
/// while the transfer waits on itself (a rate limit's turn, the disk, the hasher). A timer that
/// ran out while no read was waiting (in the moment between a read's end and its pause) says
/// nothing of the server, so it is replaced and the next read starts with a fresh one.
/// </summary>
internal sealed class ReadIdleTimer : IDisposable
{
    private readonly CancellationToken _outer;
    private readonly TimeSpan _timeout;
    private readonly TimeProvider _timeProvider;
    private CancellationTokenSource _idle;
    private CancellationTokenSource? _ownIdle;
    private CancellationTokenSource? _ownLink;

    /// <param name="idle">The attempt's idle timer (running for the request and the head).</param>
    /// <param name="token">The token reads take: <paramref name="outer"/> and <paramref name="idle"/> linked.</param>
    /// <param name="outer">The transfer's own stop, which the timer never stands in for.</param>
    /// <param name="timeout">How long a read may wait for the server.</param>
    /// <param name="timeProvider">The clock of the timer.</param>
    public ReadIdleTimer(CancellationTokenSource idle, CancellationToken token, CancellationToken outer, TimeSpan timeout, TimeProvider timeProvider)
    {
        _idle = idle;
        Token = token;
        _outer = outer;
        _timeout = timeout;
        _timeProvider = timeProvider;
    }

    /// <summary>The token for the next read: cancelled when the server is silent for the timeout during it, or when the transfer stops.</summary>
    public CancellationToken Token { get; private set; }

    /// <summary>A read is about to wait on the server: the timeout counts from now.</summary>
    public void Start() => _idle.CancelAfter(_timeout);

    /// <summary>No read is waiting: the timer stops (and is replaced if it ran out after the last read ended).</summary>
    public void Pause()
    {
        _idle.CancelAfter(Timeout.InfiniteTimeSpan);
        if (_idle.IsCancellationRequested && !_outer.IsCancellationRequested)
        {
            _ownLink?.Dispose();
            _ownIdle?.Dispose();
            _ownIdle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, _timeProvider);
            _ownLink = CancellationTokenSource.CreateLinkedTokenSource(_outer, _ownIdle.Token);
            (_idle, Token) = (_ownIdle, _ownLink.Token);
        }
    }

    public void Dispose()
    {
        _ownLink?.Dispose();
        _ownIdle?.Dispose();
    }
}
