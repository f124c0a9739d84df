using System.Buffers;
using Haul.Storage;
using Microsoft.Win32.SafeHandles;

namespace Haul.Transfer;

/// <summary>
/// Where a body goes as it arrives: gathered in a pooled buffer, written at its place in the file
/// by the receiving thread (a pwrite into the page cache costs less than a hand-off to another
/// thread and back), and hashed in the order written. The first buffer is small, so that thousands
/// of slow transfers stay cheap; it doubles each time a single read fills it whole, up to the large
/// size. A stream that reaches the large size is fast, and its hashing moves off the receive path
/// to another core (<see cref="OffPathDigest"/>). A large body may also skip the buffer: see
/// BodySink.Moves.cs.
/// </summary>
internal sealed partial class BodySink : IAsyncDisposable
{
    /// <summary>Large buffers one transfer has out at once while hashing is off the path: one being filled, the others written and waiting for the hasher.</summary>
    internal const int OffPathBuffers = 2;

    private readonly SafeFileHandle _file;
    private readonly BodyDigest _digest;
    private readonly ArrayPool<byte> _pool;
    private readonly int _largeSize;
    private OffPathDigest? _offPath;
    private byte[]? _buffer;
    private int _size;

    /// <summary>The first byte of the buffer not yet written.</summary>
    private int _start;

    /// <summary>The first byte of the buffer not yet received.</summary>
    private int _filled;

    /// <summary>Reads into the current buffer: one that a single read filled is too small for the stream.</summary>
    private int _reads;

    /// <summary>The file position of <c>_buffer[_start]</c>: everything before it is written.</summary>
    private long _position;

    /// <summary>The file position where the body ends, when its length was announced.</summary>
    private readonly long? _end;

    /// <summary>The current buffer is lent to a read that may still be running: it never goes back to the pool.</summary>
    private bool _abandoned;

    /// <summary>Blocks reserved ahead of a long announced body's writes, where that pays (<see cref="BlockReservation"/>).</summary>
    private readonly BlockReservation? _reservation;

    /// <summary>What stopped the hasher, kept when it is disposed.</summary>
    private System.Runtime.ExceptionServices.ExceptionDispatchInfo? _hashFault;

    public BodySink(SafeFileHandle file, long offset, BodyDigest digest, int firstSize, int largeSize, ArrayPool<byte>? pool = null, long? end = null, long? moveAbove = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(firstSize, 1);
        _file = file;
        _position = offset;
        _end = end;
        _digest = digest;
        _pool = pool ?? ArrayPool<byte>.Shared;
        _largeSize = Math.Max(firstSize, largeSize);
        _size = firstSize;
        _buffer = _pool.Rent(_size);
        if (_size >= _largeSize)
        {
            _offPath = new OffPathDigest(_digest, _pool, OffPathBuffers);
        }

        if (end > moveAbove)
        {
            _fileBound = new FileBoundMemory(file);
        }

        _reservation = BlockReservation.For(file, offset, end);
    }

    /// <summary>The file position up to which the body is written.</summary>
    public long Written => _position;

    /// <summary>The file position up to which the body is received (written or gathered).</summary>
    public long Received => _position + _filled - _start;

    /// <summary>Bytes received and not yet written.</summary>
    public bool HasUnwritten => _filled > _start;

    /// <summary>The buffer is full: the next <see cref="NextSpaceAsync"/> writes it and moves on.</summary>
    public bool IsFull => _filled == _size;

    /// <summary>
    /// Whether gathered bytes are worth writing while the next read waits: not when the rest of an
    /// announced body fits in the buffer, so a small body costs one write however it was sliced.
    /// </summary>
    public bool WorthWritingWhileWaiting => HasUnwritten && !(_end is { } end && end - _position <= _size - _start);

    /// <summary>Whether hashing runs on another thread (the stream reached the large buffer size).</summary>
    public bool HashesOffPath => _offPath is not null;

    /// <summary>The current buffer's size.</summary>
    public int BufferSize => _size;

    /// <summary>
    /// Room for the next read: the rest of the buffer, or a fresh one when it is full (its bytes are
    /// written first). For a body that moves, the room also stands for the file (<see cref="FileBoundMemory"/>).
    /// </summary>
    public async ValueTask<Memory<byte>> NextSpaceAsync(CancellationToken cancellationToken)
    {
        if (_filled == _size)
        {
            Write();
            await NextBufferAsync(_reads == 1 ? (int)Math.Min(2L * _size, _largeSize) : _size, cancellationToken).ConfigureAwait(false);
        }

        var space = _fileBound is not null
            ? await NextMoveSpaceAsync(cancellationToken).ConfigureAwait(false)
            : _buffer.AsMemory(_filled, _size - _filled);

        // Whether written from the buffer or moved, the bytes of this read land from Received on.
        _reservation?.Ahead(Received, space.Length);
        return space;
    }

    /// <summary>Counts <paramref name="read"/> bytes as received into the space <see cref="NextSpaceAsync"/> gave (or moved into the file for it).</summary>
    public void Advance(int read)
    {
        if (_fileBound is { Moved: > 0 })
        {
            AdvanceMoved(read);
            return;
        }

        ArgumentOutOfRangeException.ThrowIfGreaterThan(read, _size - _filled);
        _filled += read;
        _reads++;
        if (_fileBound is not null && read > 0)
        {
            NoteUnmoved();
        }
    }

    /// <summary>
    /// Writes what is gathered at its place in the file and hashes it (or hands it to the hasher).
    /// A failed write throws the I/O error and leaves the digest where it was.
    /// </summary>
    public void Write()
    {
        var length = _filled - _start;
        if (length == 0)
        {
            return;
        }

        var buffer = _buffer!;
        _offPath?.ThrowIfFaulted();
        HashMoved();
        RandomAccess.Write(_file, buffer.AsSpan(_start, length), _position);
        if (_offPath is { } offPath)
        {
            offPath.Hash(buffer, _start, length);
        }
        else
        {
            _digest.Append(buffer.AsSpan(_start, length));
        }

        _position += length;
        _start = _filled;
    }

    /// <summary>
    /// Marks the current buffer as still in the hands of a read that was left running (a write
    /// failed while it waited): disposing then leaves it to the garbage collector instead of the
    /// pool, where another transfer could rent it while the socket still fills it.
    /// </summary>
    public void Abandon() => _abandoned = true;

    /// <summary>
    /// The body is all written: waits for the hasher to pass every byte and throws what stopped
    /// it, if anything did (the digest would miss bytes on disk).
    /// </summary>
    public async ValueTask CompleteAsync()
    {
        await DisposeAsync().ConfigureAwait(false);
        _hashFault?.Throw();
    }

    /// <summary>
    /// Waits for the hasher to pass every byte written and gives every buffer back (an abandoned one
    /// excepted): the digest then covers exactly the bytes written. It never throws the hasher's
    /// failure, which would replace an error already on its way; <see cref="CompleteAsync"/> does.
    /// </summary>
    public async ValueTask DisposeAsync()
    {
        if (_reservation is { } reservation && Written < _end)
        {
            // The body ended short: what was reserved for the rest (by this run or one before) goes back.
            reservation.GiveBack();
        }

        HashMoved();
        var buffer = _abandoned ? null : _buffer;
        _buffer = null;
        if (_offPath is { } offPath)
        {
            _offPath = null;
            if (buffer is not null)
            {
                offPath.Release(buffer);
            }

            await offPath.DisposeAsync().ConfigureAwait(false);
            _hashFault = offPath.Fault;
        }
        else if (buffer is not null)
        {
            _pool.Return(buffer);
        }
    }

    /// <summary>Moves on to a fresh buffer of <paramref name="size"/> bytes once the current one is written (twice the size when one read filled it).</summary>
    private async ValueTask NextBufferAsync(int size, CancellationToken cancellationToken)
    {
        _start = _filled = _reads = 0;
        if (_offPath is null && size == _size)
        {
            // Hashed already: the same buffer serves again.
            return;
        }

        var old = _buffer!;
        _buffer = null;
        if (_offPath is { } offPath)
        {
            offPath.Release(old);
            await offPath.AcquireAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            _pool.Return(old);
            if (size >= _largeSize)
            {
                _offPath = new OffPathDigest(_digest, _pool, OffPathBuffers);
            }
        }

        _size = size;
        _buffer = _pool.Rent(size);
    }
}
