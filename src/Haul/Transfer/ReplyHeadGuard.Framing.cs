using System.Globalization;
using Haul.Errors;

namespace Haul.Transfer;

/// <summary>
/// The guard's reading of the framing: heads and trailers byte by byte where it matters (NUL, CR,
/// LF) and in runs elsewhere, bodies by length and by chunk skipped unread.
/// </summary>
internal sealed partial class ReplyHeadGuard
{
    /// <summary>Past this a head is the handler's to refuse (<see cref="ResponseFraming.MaxHeadersKiB"/>).</summary>
    private const int MaxSection = (ResponseFraming.MaxHeadersKiB * 1024) + 1024;

    private const int MaxChunkLine = 1024;

    private const int InitialLine = 256;

    private const int MaxKeptLine = 4096;

    // The line being read (a head's, a trailer's or a chunk size's), as bytes: only a head's status
    // line and its framing fields are ever looked at, so no line becomes a string.
    private byte[] _line = new byte[InitialLine];
    private int _lineLength;
    private int _lineCount;
    private Framing _framing;
    private State _state = State.Head;
    private long _left;
    private int _sectionBytes;
    private bool _previousCr;

    /// <summary>What a head's lines said about its body: the status and the framing fields that count.</summary>
    private struct Framing
    {
        public int Status;
        public bool HasCodings;
        public bool LastCodingChunked;
        public bool HasLength;
        public long? Length;
    }

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
                    // The bytes of a line up to the next one that matters (NUL, CR, LF) are only kept.
                    var run = _previousCr ? 0 : data[i..].IndexOfAny((byte)0, (byte)'\r', (byte)'\n');
                    run = run < 0 ? data.Length - i : run;
                    if (run > 0)
                    {
                        if (_sectionBytes + run > MaxSection)
                        {
                            _state = State.Off;
                            break;
                        }

                        _sectionBytes += run;
                        KeepLineBytes(data.Slice(i, run));
                        i += run;
                        break;
                    }

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
            KeepLineBytes([b]);
            return null;
        }

        if (_lineLength > 0)
        {
            if (_state == State.Head)
            {
                NoteHeadLine(_line.AsSpan(0, _lineLength));
            }

            _lineCount++;
            _lineLength = 0;
            return null;
        }

        if (_state == State.Head && _lineCount == 0)
        {
            // An empty line before the status line may be ignored (RFC 9112 §2.2).
            _sectionBytes = 0;
            return null;
        }

        _state = _state == State.Trailer ? State.Head : AfterHead();
        _lineCount = 0;
        _framing = default;
        _sectionBytes = 0;
        if (_line.Length > MaxKeptLine)
        {
            // One long header line does not make every later reply on the connection hold its room.
            _line = new byte[InitialLine];
        }

        return null;
    }

    private void KeepLineBytes(ReadOnlySpan<byte> bytes)
    {
        if (_lineLength + bytes.Length > _line.Length)
        {
            Array.Resize(ref _line, Math.Max(_line.Length * 2, _lineLength + bytes.Length));
        }

        bytes.CopyTo(_line.AsSpan(_lineLength));
        _lineLength += bytes.Length;
    }

    /// <summary>Takes from one line of a head what says where its body ends: the status, the last transfer coding, the first length.</summary>
    private void NoteHeadLine(ReadOnlySpan<byte> line)
    {
        if (_lineCount == 0)
        {
            _framing.Status = line.Length >= 12 && int.TryParse(line.Slice(9, 3), NumberStyles.Integer, CultureInfo.InvariantCulture, out var code) ? code : 0;
            return;
        }

        var colon = line.IndexOf((byte)':');
        if (colon <= 0)
        {
            return;
        }

        var name = Trim(line[..colon]);
        var value = line[(colon + 1)..];
        if (System.Text.Ascii.EqualsIgnoreCase(name, "Transfer-Encoding"u8))
        {
            // The last Transfer-Encoding field counts, and its last coding.
            var comma = value.LastIndexOf((byte)',');
            _framing.HasCodings = true;
            _framing.LastCodingChunked = System.Text.Ascii.EqualsIgnoreCase(Trim(comma < 0 ? value : value[(comma + 1)..]), "chunked"u8);
        }
        else if (!_framing.HasLength && System.Text.Ascii.EqualsIgnoreCase(name, "Content-Length"u8))
        {
            // The first Content-Length field counts, and its first value.
            var comma = value.IndexOf((byte)',');
            _framing.HasLength = true;
            _framing.Length = long.TryParse(Trim(comma < 0 ? value : value[..comma]), NumberStyles.None, CultureInfo.InvariantCulture, out var bytes) ? bytes : null;
        }
    }

    /// <summary>The bytes without the white space around them, each byte read as the Latin-1 character it is.</summary>
    private static ReadOnlySpan<byte> Trim(ReadOnlySpan<byte> bytes)
    {
        var start = 0;
        var end = bytes.Length;
        while (start < end && char.IsWhiteSpace((char)bytes[start]))
        {
            start++;
        }

        while (end > start && char.IsWhiteSpace((char)bytes[end - 1]))
        {
            end--;
        }

        return bytes[start..end];
    }

    /// <summary>Where the bytes after a complete head belong.</summary>
    private State AfterHead()
    {
        var status = _framing.Status;
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

        if (_framing.HasCodings)
        {
            return _framing.LastCodingChunked ? State.ChunkLine : State.Off;
        }

        if (_framing.Length is { } bytes)
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
                KeepLineBytes([b]);
            }

            if (_lineLength > MaxChunkLine)
            {
                _state = State.Off;
            }

            return false;
        }

        var line = _line.AsSpan(0, _lineLength);
        var semicolon = line.IndexOf((byte)';');
        var text = Trim(semicolon < 0 ? line : line[..semicolon]);
        _lineLength = 0;
        if (!long.TryParse(text, NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var size) || size < 0)
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
