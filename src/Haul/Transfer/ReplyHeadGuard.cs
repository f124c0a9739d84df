using System.Net.Sockets;
using System.Runtime.InteropServices;
using System.Text;
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
internal sealed class ReplyHeadGuard(Stream inner) : Stream
{
    /// <summary>Past this a head is the handler's to refuse (<see cref="ResponseFraming.MaxHeadersKiB"/>).</summary>
    private const int MaxSection = (ResponseFraming.MaxHeadersKiB * 1024) + 1024;

    private const int MaxChunkLine = 1024;

    private readonly StringBuilder _line = new();
    private readonly List<string> _lines = [];
    private State _state = State.Head;
    private long _left;
    private int _sectionBytes;
    private bool _previousCr;
    private bool _headRequest;
    private MalformedReplyException? _pending;

    private enum State
    {
        Head,
        Body,
        ChunkLine,
        ChunkData,
        ChunkDataEnd,
        Trailer,
        Off,
    }

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

    /// <summary>
    /// Follows the framing through <paramref name="data"/>; returns how many of its bytes the handler may have.
    /// A violation in a head that starts inside this read holds back that head and fails the next
    /// read, so that junk after a finished reply fails only a read that wants it.
    /// </summary>
    private int Inspect(ReadOnlySpan<byte> data)
    {
        var sectionStart = _state is State.Head or State.Trailer && _sectionBytes == 0 ? 0 : -1;
        var i = 0;
        while (i < data.Length && _state != State.Off)
        {
            switch (_state)
            {
                case State.Body:
                case State.ChunkData:
                    var skip = (int)Math.Min(_left, data.Length - i);
                    _left -= skip;
                    i += skip;
                    if (_left == 0)
                    {
                        _state = _state == State.Body ? State.Head : State.ChunkDataEnd;
                        sectionStart = _state == State.Head ? i : sectionStart;
                    }

                    break;
                case State.ChunkDataEnd:
                    _state = data[i++] == '\n' ? State.ChunkLine : State.ChunkDataEnd;
                    break;
                case State.ChunkLine:
                    if (ChunkLineByte(data[i++]))
                    {
                        sectionStart = _state == State.Trailer ? i : sectionStart;
                    }

                    break;
                default:
                    if (SectionByte(data[i]) is { } problem)
                    {
                        _state = State.Off;
                        var error = new MalformedReplyException(problem);
                        if (sectionStart > 0)
                        {
                            _pending = error;
                            return sectionStart;
                        }

                        throw error;
                    }

                    i++;
                    if (_sectionBytes == 0)
                    {
                        // A section ended at this byte: the next one starts after it.
                        sectionStart = i;
                    }

                    break;
            }
        }

        return data.Length;
    }

    /// <summary>One byte of a head or a trailer section; returns what is wrong with it, if anything.</summary>
    private string? SectionByte(byte b)
    {
        if (++_sectionBytes > MaxSection)
        {
            _state = State.Off;
            return null;
        }

        if (b == 0)
        {
            return _state == State.Head ? "a NUL byte in the header" : "a NUL byte in the chunked trailer";
        }

        if (_previousCr && b != '\n')
        {
            return _state == State.Head ? "a bare CR in the header" : "a bare CR in the chunked trailer";
        }

        _previousCr = b == '\r';
        if (b == '\r')
        {
            return null;
        }

        if (b != '\n')
        {
            _line.Append((char)b);
            return null;
        }

        if (_line.Length > 0)
        {
            _lines.Add(_line.ToString());
            _line.Clear();
            return null;
        }

        if (_state == State.Head && _lines.Count == 0)
        {
            // An empty line before the status line may be ignored (RFC 9112 §2.2).
            _sectionBytes = 0;
            return null;
        }

        _state = _state == State.Trailer ? State.Head : AfterHead();
        _lines.Clear();
        _sectionBytes = 0;
        return null;
    }

    /// <summary>Where the bytes after a complete head belong.</summary>
    private State AfterHead()
    {
        var status = _lines[0].Length >= 12 && int.TryParse(_lines[0].AsSpan(9, 3), out var code) ? code : 0;
        if (status is 0 or 101)
        {
            return State.Off;
        }

        if (status < 200)
        {
            return State.Head;
        }

        if (_headRequest || status is 204 or 304)
        {
            return State.Head;
        }

        string? length = null;
        string? codings = null;
        foreach (var line in _lines.Skip(1))
        {
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line.AsSpan(0, colon).Trim();
            if (name.Equals("Transfer-Encoding", StringComparison.OrdinalIgnoreCase))
            {
                codings = line[(colon + 1)..];
            }
            else if (name.Equals("Content-Length", StringComparison.OrdinalIgnoreCase))
            {
                length ??= line[(colon + 1)..].Split(',')[0].Trim();
            }
        }

        if (codings is not null)
        {
            return codings.Split(',')[^1].Trim().Equals("chunked", StringComparison.OrdinalIgnoreCase) ? State.ChunkLine : State.Off;
        }

        if (length is not null && long.TryParse(length, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var bytes))
        {
            _left = bytes;
            return bytes == 0 ? State.Head : State.Body;
        }

        return State.Off;
    }

    /// <summary>One byte of a chunk-size line; true when it ended the line and so began a trailer.</summary>
    private bool ChunkLineByte(byte b)
    {
        if (b != '\n')
        {
            if (b != '\r')
            {
                _line.Append((char)b);
            }

            if (_line.Length > MaxChunkLine)
            {
                _state = State.Off;
            }

            return false;
        }

        var text = _line.ToString().Split(';')[0].Trim();
        _line.Clear();
        if (!long.TryParse(text, System.Globalization.NumberStyles.AllowHexSpecifier, System.Globalization.CultureInfo.InvariantCulture, out var size) || size < 0)
        {
            _state = State.Off;
            return false;
        }

        if (size == 0)
        {
            _state = State.Trailer;
            _sectionBytes = 0;
            _previousCr = false;
            return true;
        }

        _left = size;
        _state = State.ChunkData;
        return false;
    }
}
