using System.Buffers;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Microsoft.Win32.SafeHandles;

namespace Haul.Transfer;

/// <summary>
/// Hashes written regions of a body on another thread, in the order they were written, while the
/// receiving thread reads the next ones: on a fast stream SHA-256 costs about as much as the
/// receive itself, and a second core can take it. A buffer goes back to its pool only after the
/// hasher has passed its last region; at most <c>maxBuffers</c> are out at once, so a hasher that
/// falls behind slows the receiver instead of piling up memory. The one who starts it holds a
/// buffer already, which counts among them. Bytes that went into the file without a buffer
/// (<see cref="HashFile"/>) are read back from it, in the same order.
/// </summary>
internal sealed class OffPathDigest : IAsyncDisposable
{
    /// <summary>The read-back buffer for file regions: the page cache serves it, so a larger one buys nothing.</summary>
    private const int ReadBackSize = 256 * 1024;

    private readonly BodyDigest _digest;
    private readonly ArrayPool<byte> _pool;
    private readonly SemaphoreSlim _buffers;
    private readonly Channel<Region> _regions = Channel.CreateUnbounded<Region>(new UnboundedChannelOptions { SingleReader = true, SingleWriter = true });
    private readonly Task _hashing;

    /// <summary>Completes when the hasher fails: a receiver waiting for a buffer must not wait for one that never comes back.</summary>
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private ExceptionDispatchInfo? _fault;

    /// <summary>Bytes of file regions handed over and not yet hashed.</summary>
    private long _fileBacklog;

    /// <summary>A receiver waiting for the file backlog to shrink, completed by the hasher after each file region.</summary>
    private TaskCompletionSource? _backlogShrank;

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

    /// <summary>Hands over a region of <paramref name="file"/> that was written without passing through a buffer; the hasher reads it back.</summary>
    public void HashFile(SafeFileHandle file, long position, int length)
    {
        Interlocked.Add(ref _fileBacklog, length);
        _regions.Writer.TryWrite(new Region(null, 0, length, Release: false, file, position));
    }

    /// <summary>
    /// Waits until at most <paramref name="limit"/> bytes of file regions are waiting to be hashed.
    /// Throws the hasher's failure instead of waiting for a hasher that stopped.
    /// </summary>
    public ValueTask WaitForFileBacklogAsync(long limit, CancellationToken cancellationToken)
    {
        ThrowIfFaulted();
        return Volatile.Read(ref _fileBacklog) <= limit ? ValueTask.CompletedTask : WaitForHasherAsync(limit, cancellationToken);
    }

    private async ValueTask WaitForHasherAsync(long limit, CancellationToken cancellationToken)
    {
        while (true)
        {
            var shrank = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Interlocked.Exchange(ref _backlogShrank, shrank);

            // Read after publishing: a region hashed before then is counted here, one after completes the wait.
            if (Volatile.Read(ref _fileBacklog) <= limit)
            {
                return;
            }

            await Task.WhenAny(shrank.Task, _failed.Task).WaitAsync(cancellationToken).ConfigureAwait(false);
            ThrowIfFaulted();
        }
    }

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
                    if (region.File is { } file)
                    {
                        HashFromFile(file, region.Position, region.Length);
                        Interlocked.Add(ref _fileBacklog, -region.Length);
                        Interlocked.Exchange(ref _backlogShrank, null)?.TrySetResult();
                    }
                    else if (region.Length > 0)
                    {
                        _digest.Append(region.Buffer.AsSpan(region.Start, region.Length));
                    }

                    if (region.Release)
                    {
                        _pool.Return(region.Buffer!);
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

    /// <summary>Reads a region back from the file and hashes it: the digest is then of the bytes on disk.</summary>
    private void HashFromFile(SafeFileHandle file, long position, int length)
    {
        // Rented for the region only: thousands of transfers in flight hold none between regions.
        var buffer = _pool.Rent(ReadBackSize);
        try
        {
            while (length > 0)
            {
                var read = RandomAccess.Read(file, buffer.AsSpan(0, Math.Min(length, ReadBackSize)), position);
                if (read == 0)
                {
                    // Something cut the file after those bytes went into it.
                    throw new IOException($"the file ended at offset {position}, before the bytes written there");
                }

                _digest.Append(buffer.AsSpan(0, read));
                position += read;
                length -= read;
            }
        }
        finally
        {
            _pool.Return(buffer);
        }
    }

    private readonly record struct Region(byte[]? Buffer, int Start, int Length, bool Release, SafeFileHandle? File = null, long Position = 0);
}
