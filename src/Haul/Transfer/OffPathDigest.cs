using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;

namespace Haul.Transfer;

/// <summary>
/// Hashes written regions of a body on another thread, in the order they were written, while the
/// receiving thread reads the next ones: on a fast stream SHA-256 costs about as much as the
/// receive itself, and a second core can take it. A buffer goes back to its pool only after the
/// hasher has passed its last region; at most <c>maxBuffers</c> are out at once, so a hasher that
/// falls behind slows the receiver instead of piling up memory. The one who starts it holds a
/// buffer already, which counts among them.
/// </summary>
internal sealed class OffPathDigest : IAsyncDisposable
{
    private readonly BodyDigest _digest;
    private readonly ArrayPool<byte> _pool;
    private readonly SemaphoreSlim _buffers;
    private readonly Channel<Region> _regions = Channel.CreateUnbounded<Region>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task _hashing;

    /// <summary>Completes when the hasher fails: a receiver waiting for a buffer must not wait for one that never comes back.</summary>
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ExceptionDispatchInfo? _fault;

    public OffPathDigest(BodyDigest digest, ArrayPool<byte> pool, int maxBuffers)
    {
        _digest = digest;
        _pool = pool;
        _buffers = new SemaphoreSlim(maxBuffers - 1, maxBuffers);
        _hashing = Task.Run(HashAsync);
    }

    /// <summary>What stopped the hasher, if anything did: the digest then misses regions.</summary>
    public ExceptionDispatchInfo? Fault => Volatile.Read(ref _fault);

    /// <summary>
    /// Waits until one more buffer may be taken from the pool; the buffer is owed back through
    /// <see cref="Release"/>. Throws the hasher's failure instead of waiting for a buffer it will never give back.
    /// </summary>
    public async Task AcquireAsync(CancellationToken cancellationToken)
    {
        ThrowIfFaulted();
        var waiting = _buffers.WaitAsync(cancellationToken);
        if (!waiting.IsCompleted)
        {
            await Task.WhenAny(waiting, _failed.Task).ConfigureAwait(false);
        }

        ThrowIfFaulted();
        await waiting.ConfigureAwait(false);
    }

    /// <summary>Throws what stopped the hasher, if it stopped: nothing more is worth writing then.</summary>
    public void ThrowIfFaulted() => Fault?.Throw();

    /// <summary>Hands over a region that is on disk; its buffer must stay untouched there until released.</summary>
    public void Hash(byte[] buffer, int start, int length) => _regions.Writer.TryWrite(new Region(buffer, start, length, Release: false));

    /// <summary>Gives the buffer back to the pool once every region handed over before this is hashed.</summary>
    public void Release(byte[] buffer) => _regions.Writer.TryWrite(new Region(buffer, 0, 0, Release: true));

    /// <summary>
    /// Waits for the hasher to pass everything handed over: the digest then covers every region,
    /// and every released buffer is back. It never throws the hasher's failure (that would replace
    /// an error already on its way); <see cref="Fault"/> holds it.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        _regions.Writer.TryComplete();
        await _hashing.ConfigureAwait(false);
        _buffers.Dispose();
    }

    private async Task HashAsync()
    {
        var reader = _regions.Reader;
        try
        {
            while (await reader.WaitToReadAsync().ConfigureAwait(false))
            {
                while (reader.TryRead(out var region))
                {
                    if (region.Length > 0)
                    {
                        _digest.Append(region.Buffer.AsSpan(region.Start, region.Length));
                    }

                    if (region.Release)
                    {
                        _pool.Return(region.Buffer);
                        _buffers.Release();
                    }
                }
            }
        }
        catch (Exception ex)
        {
            // Kept for the receiver, which throws it at its next step; the buffers still out are left to the GC.
            Volatile.Write(ref _fault, ExceptionDispatchInfo.Capture(ex));
            _failed.TrySetResult();
        }
    }

    private readonly record struct Region(byte[] Buffer, int Start, int Length, bool Release);
}
