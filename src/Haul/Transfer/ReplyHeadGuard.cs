using System.Net.Sockets;
using System.Runtime.InteropServices;
using Haul.Errors;

namespace Haul.Transfer;

/// <summary>
/// Watches the bytes of an HTTP/1.x connection for what SocketsHttpHandler quietly repairs: it
/// turns a bare CR or a NUL inside a header or a chunked trailer into a space, where curl (and
/// RFC 9112 §2.2) refuse the reply. The guard follows the framing of each reply (heads, lengths,
/// chunks, trailers) and skips bodies without looking at them; whenever it is unsure where the
/// next head starts (a body that runs to the close, a switch of protocol, a CONNECT) it stops
/// watching that connection, so a body is never mistaken for a head.
/// <para>
/// Because it knows where a body by length is and how much of it is left, the guard is also
/// where body bytes may skip the process: a read into a <see cref="FileBoundMemory"/> while a
/// body by length is being read moves at most the rest of that body from the socket into the
/// file (<see cref="SplicePipe"/>), never a byte of what follows it.
/// </para>
/// </summary>
internal sealed partial class ReplyHeadGuard(Stream inner) : Stream
{
    private bool _headRequest;
    private MalformedReplyException? _pending;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => true;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

    public override int Read(Span<byte> buffer)
    {
        ThrowIfPending();
        var read = inner.Read(buffer);
        return Inspect(buffer[..read]);
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        ThrowIfPending();
        if (MemoryMarshal.TryGetMemoryManager<byte, FileBoundMemory>(buffer, out var target, out var start, out var length))
        {
            // The reader learns that its read came this far: one that moved nothing here cannot move on this connection.
            target.NoteReachedConnection();
            if (_state == State.Body && SplicePipe.IsSupported && inner is NetworkStream { Socket: var socket })
            {
                return ReceiveBodyAsync(socket, target, start, (int)Math.Min(length, _left), cancellationToken);
            }
        }

        return ReadInspectedAsync(buffer, cancellationToken);
    }

    private async ValueTask<int> ReadInspectedAsync(Memory<byte> buffer, CancellationToken cancellationToken)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        return Inspect(buffer.Span[..read]);
    }

    /// <summary>
    /// Reads up to <paramref name="count"/> bytes of the body for a reader that offered its file:
    /// moved there when they can be, else into its span. Body bytes are never inspected, so either
    /// way they only count down the body.
    /// </summary>
    private async ValueTask<int> ReceiveBodyAsync(Socket socket, FileBoundMemory target, int start, int count, CancellationToken cancellationToken)
    {
        var read = await SplicePipe.ReceiveAsync(socket, target, start, count, cancellationToken).ConfigureAwait(false);
        _left -= read;
        if (_left == 0)
        {
            _state = State.Head;
        }

        return read;
    }

    public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

    public override void Write(ReadOnlySpan<byte> buffer)
    {
        NoteRequest(buffer);
        inner.Write(buffer);
    }

    public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
    {
        NoteRequest(buffer.Span);
        return inner.WriteAsync(buffer, cancellationToken);
    }

    public override void Flush() => inner.Flush();

    public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }

    private void ThrowIfPending()
    {
        if (_pending is { } pending)
        {
            throw pending;
        }
    }

    /// <summary>
    /// The handler sends one request at a time on a connection, so the method of the last request
    /// written is that of the reply being read: a HEAD reply has no body, a CONNECT reply becomes a tunnel.
    /// </summary>
    private void NoteRequest(ReadOnlySpan<byte> data)
    {
        if (data.StartsWith("HEAD "u8))
        {
            _headRequest = true;
        }
        else if (data.StartsWith("CONNECT "u8))
        {
            _state = State.Off;
        }
        else if (data.Length > 4 && data[0] is >= (byte)'A' and <= (byte)'Z' && data.IndexOf((byte)' ') is > 0 and < 16)
        {
            _headRequest = false;
        }
    }
}
