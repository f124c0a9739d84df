using System.Text;

namespace Haul.Datasets;

/// <summary>
/// Splits CSV or TSV text into records as RFC 4180 reads them (quoted fields may hold the
/// delimiter, line breaks and doubled quotes), in fixed chunks: a record longer than
/// <see cref="MaxRecordChars"/> is parsed to its end but never held, so memory stays flat whatever comes in.
/// Blank lines are skipped. A NUL character means the file is not text, and reading stops with an error.
/// </summary>
internal sealed class DelimitedRecordReader(TextReader reader, char delimiter, string path)
{
    /// <summary>1 Mi characters: far past any URL and caption row, small enough to hold a few at once.</summary>
    public const int MaxRecordChars = 1024 * 1024;

    private const int ChunkChars = 16 * 1024;

    private enum State { FieldStart, Unquoted, Quoted, QuoteInQuoted }

    private readonly char[] _chunk = new char[ChunkChars];
    private readonly StringBuilder _field = new();
    private readonly List<string> _fields = [];
    private int _position;
    private int _length;
    private int _line = 1;
    private bool _skipLineFeed;
    private bool _ended;

    /// <summary>The next record, or null at the end of the text.</summary>
    public async ValueTask<DelimitedRecord?> NextAsync(CancellationToken cancellationToken = default)
    {
        while (!_ended)
        {
            _fields.Clear();
            _field.Clear();
            var state = State.FieldStart;
            var startLine = _line;
            var chars = 0;
            var tooLong = false;
            var sawQuote = false;
            var complete = false;
            while (!complete)
            {
                if (_position == _length)
                {
                    _length = await reader.ReadAsync(_chunk.AsMemory(), cancellationToken).ConfigureAwait(false);
                    _position = 0;
                    if (_length == 0)
                    {
                        _ended = true;
                        if (chars == 0 && _fields.Count == 0 && !sawQuote)
                        {
                            return null;
                        }

                        break;
                    }
                }

                var c = _chunk[_position++];
                if (_skipLineFeed)
                {
                    _skipLineFeed = false;
                    if (c == '\n')
                    {
                        continue;
                    }
                }

                if (c == '\0')
                {
                    _ended = true;
                    throw new DatasetInputException(path, $"{path} is not text (a NUL byte on line {_line}).");
                }

                if (c is '\n' or '\r')
                {
                    if (state != State.Quoted)
                    {
                        _line++;
                        _skipLineFeed = c == '\r';
                        complete = true;
                        continue;
                    }

                    // Inside quotes the break is part of the field; \r\n counts as one line.
                    if (c == '\n')
                    {
                        _line++;
                    }
                }

                chars++;
                if (chars > MaxRecordChars && !tooLong)
                {
                    tooLong = true;
                    _field.Clear();
                    _fields.Clear();
                }

                switch (state)
                {
                    case State.FieldStart when c == '"':
                        sawQuote = true;
                        state = State.Quoted;
                        break;
                    case State.FieldStart or State.Unquoted or State.QuoteInQuoted when c == delimiter:
                        EndField(tooLong);
                        state = State.FieldStart;
                        break;
                    case State.Quoted when c == '"':
                        state = State.QuoteInQuoted;
                        break;
                    case State.QuoteInQuoted when c == '"':
                        Append(c, tooLong);
                        state = State.Quoted;
                        break;
                    case State.Quoted:
                        Append(c, tooLong);
                        break;
                    default:
                        Append(c, tooLong);
                        state = State.Unquoted;
                        break;
                }
            }

            if (chars == 0 && _fields.Count == 0 && !sawQuote)
            {
                continue;
            }

            EndField(tooLong);
            return new DelimitedRecord(startLine, tooLong ? null : _fields.ToArray());
        }

        return null;
    }

    private void Append(char c, bool tooLong)
    {
        if (!tooLong)
        {
            _field.Append(c);
        }
    }

    private void EndField(bool tooLong)
    {
        if (!tooLong)
        {
            _fields.Add(_field.ToString());
        }

        _field.Clear();
    }
}
