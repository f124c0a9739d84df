using System.Buffers;
using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Haul.Transfer;

/// <summary>
/// The room a body read is given when its bytes may skip the process: a real span of a receive
/// buffer, tagged with the file and the position where those bytes belong. The HTTP handler
/// passes the memory it is asked to fill down to the connection unchanged when it has nothing
/// buffered (and copies what it has buffered into the span, as into any buffer); the
/// connection's <see cref="ReplyHeadGuard"/>, which knows when the bytes ahead are body, may
/// then move them from the socket straight into the file (<see cref="SplicePipe"/>) and say so
/// here. After each read, <see cref="Moved"/> tells the reader where the bytes it was told of are:
/// in the file (all of them) or in the span.
/// </summary>
internal sealed class FileBoundMemory(SafeFileHandle file) : MemoryManager<byte>
{
    private byte[] _buffer = [];
    private int _start;

    /// <summary>The file the bytes belong in.</summary>
    public SafeFileHandle File { get; } = file;

    /// <summary>The length of the offered span.</summary>
    public int Length { get; private set; }

    /// <summary>Whether the last move filled all of the span it was offered (the stream had more at hand).</summary>
    public bool LastMoveFilled { get; private set; }

    /// <summary>Where the first byte of the offered span belongs in <see cref="File"/>.</summary>
    public long Position { get; private set; }

    /// <summary>How many bytes the last read moved into the file instead of the span.</summary>
    public int Moved { get; private set; }

    /// <summary>The file or the socket refused a move during a read (the bytes came through the span instead): offering more is pointless.</summary>
    public bool MoveRefused { get; private set; }

    /// <summary>Whether the last read reached the connection's stream; one that did not was served from the handler's own buffer.</summary>
    public bool ReachedConnection { get; private set; }

    /// <summary>Offers <paramref name="length"/> bytes of <paramref name="buffer"/> from <paramref name="start"/>, standing for the file from <paramref name="position"/>.</summary>
    public Memory<byte> Offer(byte[] buffer, int start, int length, long position)
    {
        _buffer = buffer;
        _start = start;
        Length = length;
        Position = position;
        ReachedConnection = false;
        Moved = 0;
        LastMoveFilled = false;
        return CreateMemory(length);
    }

    /// <summary>Records that <paramref name="count"/> bytes of the read went straight into the file.</summary>
    public void NoteMoved(int count)
    {
        Moved += count;
        LastMoveFilled = count > 0 && count == Length;
    }

    /// <summary>The reader has accounted for the moved bytes: the next read starts from none.</summary>
    public void Consume() => Moved = 0;

    /// <summary>Records that the file (or the socket) refused to move bytes of a read, which then came through the span.</summary>
    public void NoteMoveRefused() => MoveRefused = true;

    /// <summary>Records that the read reached the connection's stream (whether or not it moved).</summary>
    public void NoteReachedConnection() => ReachedConnection = true;

    public override Span<byte> GetSpan() => _buffer.AsSpan(_start, Length);

    public override unsafe MemoryHandle Pin(int elementIndex = 0)
    {
        ArgumentOutOfRangeException.ThrowIfGreaterThan((uint)elementIndex, (uint)Length);
        var handle = GCHandle.Alloc(_buffer, GCHandleType.Pinned);
        return new MemoryHandle((byte*)handle.AddrOfPinnedObject() + _start + elementIndex, handle, this);
    }

    public override void Unpin()
    {
    }

    protected override void Dispose(bool disposing)
    {
    }
}
