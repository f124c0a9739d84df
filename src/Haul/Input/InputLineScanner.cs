using System.Text;

namespace Haul.Input;

/// <summary>
/// Splits a text stream into lines the way <see cref="TextReader.ReadLine"/> does (<c>\n</c>,
/// <c>\r\n</c> or <c>\r</c>), reading fixed chunks itself so that memory stays flat whatever
/// comes in: a line longer than <see cref="MaxLineChars"/> is scanned to its end but never held,
/// and a NUL character ends the scan, since text input never has one.
/// </summary>
internal sealed class InputLineScanner(TextReader reader)
{
    /// <summary>
    /// 64 KiB: far past any real URL (browsers and servers stop near 8-32 KiB) and its option
    /// lines, small enough that one line never costs more than a few hundred KB however many follow.
    /// </summary>
    public const int MaxLineChars = 64 * 1024;

    /// <summary>How much of an over-long or binary line is kept to name it in a message.</summary>
    private const int PrefixChars = 60;

    private const int ChunkChars = 16 * 1024;

    private readonly char[] _chunk = new char[ChunkChars];
    private readonly StringBuilder _line = new();
    private int _position;
    private int _length;
    private int _number;
    private bool _afterCarriageReturn;
    private bool _ended;

    /// <summary>The next line, or null at the end of the input (or after a binary line).</summary>
    public async ValueTask<InputLine?> NextAsync(CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            return null;
        }

        _line.Clear();
        var tooLong = false;
        var sawAny = false;
        while (true)
        {
            if (_position == _length)
            {
                _length = await reader.ReadAsync(_chunk.AsMemory(), cancellationToken).ConfigureAwait(false);
                _position = 0;
                if (_length == 0)
                {
                    _ended = true;
                    return sawAny ? Finish(tooLong, binary: false) : null;
                }
            }

            if (_afterCarriageReturn)
            {
                _afterCarriageReturn = false;
                if (_chunk[_position] == '\n')
                {
                    _position++;
                    continue;
                }
            }

            sawAny = true;
            var span = _chunk.AsSpan(_position, _length - _position);
            var stop = span.IndexOfAny('\n', '\r', '\0');
            var run = stop < 0 ? span : span[..stop];
            if (!tooLong)
            {
                if (_line.Length + run.Length > MaxLineChars)
                {
                    tooLong = true;
                    if (_line.Length < PrefixChars)
                    {
                        _line.Append(run[..Math.Min(run.Length, PrefixChars - _line.Length)]);
                    }
                    else
                    {
                        _line.Length = PrefixChars;
                    }
                }
                else
                {
                    _line.Append(run);
                }
            }

            if (stop < 0)
            {
                _position = _length;
                continue;
            }

            var end = span[stop];
            _position += stop + 1;
            if (end == '\0')
            {
                _ended = true;
                return Finish(tooLong, binary: true);
            }

            _afterCarriageReturn = end == '\r';
            return Finish(tooLong, binary: false);
        }
    }

    private InputLine Finish(bool tooLong, bool binary)
    {
        _number++;
        var prefix = _line.Length > PrefixChars ? _line.ToString(0, PrefixChars) : _line.ToString();
        return binary || tooLong
            ? new InputLine(_number, null, prefix, binary)
            : new InputLine(_number, _line.ToString(), prefix, false);
    }
}
