using Haul.Storage;

namespace Haul.Transfer;

/// <summary>
/// A large body's bytes can skip the buffer: each read is offered as a
/// <see cref="FileBoundMemory"/>, the connection moves what it receives from the socket straight
/// into the file at its place (<see cref="SplicePipe"/>), and the hasher reads it back from there
/// on another thread, batches of <see cref="MovedPerHash"/> at a time, never more than
/// <see cref="MaxUnhashed"/> behind. Only a body whose file ends past a limit moves (the
/// constructor's <c>moveAbove</c>, <see cref="PartCommit.ReadBackLimit"/> in a transfer): up to
/// it, the commit rehashes the file and compares with the digest of what was received, which
/// moved bytes, hashed from the disk, would make meaningless. A read that comes back
/// through the buffer instead (the handler held bytes, the file refused the move) is gathered as
/// usual; two in a row that reached the connection, or a refusal, end the offers for this body.
/// </summary>
internal sealed partial class BodySink
{
    /// <summary>Bytes moved into the file that are handed to the hasher together: one wake-up of it per this much, not per read.</summary>
    internal const int MovedPerHash = 4 * 1024 * 1024;

    /// <summary>How far the hasher may trail the moves before the next read waits for it: a slow core slows the stream instead of piling up work for the end.</summary>
    internal const int MaxUnhashed = 8 * MovedPerHash;

    /// <summary>Reads in a row that reached the connection, were offered to move, and came back through the buffer: this connection does not move (a chunked body).</summary>
    private const int UnmovedReadsToGiveUp = 2;

    /// <summary>The room offered to reads that may move bytes straight into the file; null when they may not (any more).</summary>
    private FileBoundMemory? _fileBound;

    /// <summary>Reads in a row that were offered to move and came back through the buffer instead.</summary>
    private int _unmovedReads;

    /// <summary>Bytes moved into the file just before <c>_position</c> and not yet handed to the hasher.</summary>
    private int _movedUnhashed;

    /// <summary>Bytes that went from the socket straight into the file.</summary>
    public long Moved { get; private set; }

    /// <summary>
    /// Room for a read that may move: what is gathered is written first (moved bytes land at the
    /// received position and are hashed after everything before them), and the buffer doubles,
    /// up to the large size, each time a move filled all the room it had: like a read, a move is
    /// no larger than the room it is offered.
    /// </summary>
    private async ValueTask<Memory<byte>> NextMoveSpaceAsync(CancellationToken cancellationToken)
    {
        var fileBound = _fileBound!;
        Write();
        var grow = fileBound.LastMoveFilled && _size < _largeSize;
        if (grow || _filled == _size)
        {
            await NextBufferAsync(grow ? (int)Math.Min(2L * _size, _largeSize) : _size, cancellationToken).ConfigureAwait(false);
        }

        var offPath = _offPath ??= new OffPathDigest(_digest, _pool, OffPathBuffers);
        await offPath.WaitForFileBacklogAsync(MaxUnhashed, cancellationToken).ConfigureAwait(false);
        return fileBound.Offer(_buffer!, _filled, _size - _filled, _position);
    }

    /// <summary>Counts a read whose bytes all went into the file.</summary>
    private void AdvanceMoved(int read)
    {
        var fileBound = _fileBound!;
        if (fileBound.Moved != read)
        {
            throw new InvalidOperationException($"A read reported {read} bytes, of which {fileBound.Moved} went into the file.");
        }

        _offPath!.ThrowIfFaulted();
        _unmovedReads = 0;
        _position += read;
        _movedUnhashed += read;
        Moved += read;
        fileBound.Consume();
        if (_movedUnhashed >= MovedPerHash)
        {
            HashMoved();
        }
    }

    /// <summary>
    /// A read offered to move came back through the buffer. One the handler served from its own
    /// buffer (the bytes read with a large head) says nothing about the connection and is not counted.
    /// </summary>
    private void NoteUnmoved()
    {
        var fileBound = _fileBound!;
        if (fileBound.MoveRefused || (fileBound.ReachedConnection && ++_unmovedReads >= UnmovedReadsToGiveUp))
        {
            _fileBound = null;
        }
    }

    /// <summary>Hands the bytes moved into the file since the last time to the hasher, which reads them back from there.</summary>
    private void HashMoved()
    {
        if (_movedUnhashed > 0)
        {
            _offPath!.HashFile(_file, _position - _movedUnhashed, _movedUnhashed);
            _movedUnhashed = 0;
        }
    }
}
