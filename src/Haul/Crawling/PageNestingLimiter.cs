namespace Haul.Crawling;

/// <summary>
/// Keeps the HTML parser's tree at most <see cref="MaxDepth"/> deep, byte by byte, before the parser
/// sees the page: a start tag that would open an element deeper is written after an end tag of the
/// deepest open element, so it lands beside it (as browsers do past their own limit); text,
/// pictures, links and end tags all pass through.
/// </summary>
/// <remarks>
/// The HTML tree builder checks element scope by walking its stack of open elements, so a page of
/// nothing but <c>&lt;div&gt;</c> costs time quadratic in its depth (100,000 nested divs: minutes).
/// Browsers stop nesting at 512 too (Blink's <c>kMaximumHTMLParserDOMTreeDepth</c>). The stack kept
/// here follows the parser's closing rules closely enough (implied ends of p, li, dd, dt, td, tr,
/// option; scopes; special elements; void elements) that it never counts fewer open elements than
/// the parser by more than a small factor, so the parser's stack, and with it every scope walk,
/// stays bounded. Works on ASCII-compatible encodings; UTF-16 is transcoded before it gets here
/// (<see cref="PageLimitStream"/>).
/// </remarks>
internal sealed partial class PageNestingLimiter
{
    /// <summary>The deepest element the parser is given; deeper start tags are put beside it.</summary>
    public const int MaxDepth = 512;

    /// <summary>A tag name is compared on this many characters; longer names are custom elements.</summary>
    private const int NameChars = 32;

    /// <summary>At most this many bytes are held back and written later (<c>&lt;/</c> and a name).</summary>
    public const int HeldBytes = NameChars + 2;

    private readonly byte[] _name = new byte[NameChars];
    private State _state;
    private int _nameLength;
    private bool _endTag;
    private bool _keep;
    private bool _lastSlash;
    private string _tag = string.Empty;
    private byte _quote;
    private int _dashes;
    private bool _bang;
    private string? _rawEnd;
    private int _rawMatched;

    private enum State
    {
        Text,
        TagOpen,
        EndTagOpen,
        TagName,
        TagBody,
        AfterEquals,
        Quoted,
        BangOpen,
        BangDash,
        Comment,
        BogusComment,
        RawText,
        Plaintext,
    }

    /// <summary>Formatting start tags dropped so far (past <see cref="MaxOpenFormatting"/>).</summary>
    public long Dropped { get; private set; }

    /// <summary>Start tags that came past <see cref="MaxDepth"/> and were put beside the deepest element instead.</summary>
    public long Flattened { get; private set; }

    /// <summary>
    /// The output room <see cref="Filter"/> needs for <paramref name="inputLength"/> bytes: a start
    /// tag (two bytes at least) may bring an end tag (at most <see cref="HeldBytes"/> + 1) with it.
    /// </summary>
    public static int OutputRoom(int inputLength) => inputLength + (((inputLength / 2) + 2) * (HeldBytes + 1)) + HeldBytes;

    /// <summary>Elements open now, as far as this limiter can tell.</summary>
    public int Depth => _open.Count;

    /// <summary>
    /// Filters <paramref name="input"/> into <paramref name="output"/>, which must have
    /// <see cref="OutputRoom"/> bytes of room; returns the bytes written.
    /// </summary>
    public int Filter(ReadOnlySpan<byte> input, Span<byte> output)
    {
        var written = 0;
        var i = 0;
        while (i < input.Length)
        {
            var b = input[i];
            switch (_state)
            {
                case State.Text:
                    var next = input[i..].IndexOf((byte)'<');
                    var run = next < 0 ? input.Length - i : next;
                    input.Slice(i, run).CopyTo(output[written..]);
                    written += run;
                    i += run;
                    if (next >= 0)
                    {
                        _state = State.TagOpen;
                        i++;
                    }

                    continue;
                case State.TagOpen:
                    if (IsLetter(b))
                    {
                        StartName(endTag: false);
                        continue;
                    }

                    if (b == '/')
                    {
                        _state = State.EndTagOpen;
                        i++;
                        continue;
                    }

                    output[written++] = (byte)'<';
                    if (b == '!')
                    {
                        output[written++] = b;
                        _state = State.BangOpen;
                        i++;
                        continue;
                    }

                    _state = b == '?' ? State.BogusComment : State.Text;
                    if (b == '?')
                    {
                        output[written++] = b;
                        i++;
                    }

                    continue;
                case State.EndTagOpen:
                    if (IsLetter(b))
                    {
                        StartName(endTag: true);
                        continue;
                    }

                    output[written++] = (byte)'<';
                    output[written++] = (byte)'/';
                    _state = b == '>' ? State.Text : State.BogusComment;
                    output[written++] = b;
                    i++;
                    continue;
                case State.TagName:
                    if (IsNameEnd(b) || _nameLength == NameChars)
                    {
                        written += EndName(output[written..]);
                        continue;
                    }

                    _name[_nameLength++] = b;
                    i++;
                    continue;
                case State.TagBody:
                    if (b == '>')
                    {
                        i++;
                        if (_keep)
                        {
                            output[written++] = b;
                        }

                        CloseTag();
                        continue;
                    }

                    if (b == '=')
                    {
                        _state = State.AfterEquals;
                    }

                    if (!IsSpace(b))
                    {
                        _lastSlash = b == '/';
                    }

                    break;
                case State.AfterEquals:
                    if (b is (byte)'"' or (byte)'\'')
                    {
                        _quote = b;
                        _state = State.Quoted;
                    }
                    else if (!IsSpace(b))
                    {
                        _state = State.TagBody;
                        continue;
                    }

                    break;
                case State.Quoted:
                    if (b == _quote)
                    {
                        _state = State.TagBody;
                        _lastSlash = false;
                    }

                    break;
                case State.BangOpen:
                    _state = b == '-' ? State.BangDash : State.BogusComment;
                    if (b != '-')
                    {
                        continue;
                    }

                    break;
                case State.BangDash:
                    if (b != '-')
                    {
                        _state = State.BogusComment;
                        continue;
                    }

                    // "<!--" already counts as two dashes: "<!-->" and "<!--->" end the comment, as the tokenizer says.
                    _state = State.Comment;
                    _dashes = 2;
                    _bang = false;
                    break;
                case State.Comment:
                    if (b == '>' && (_dashes >= 2 || _bang))
                    {
                        _state = State.Text;
                    }
                    else if (b == '-')
                    {
                        _dashes = _bang ? 1 : _dashes + 1;
                        _bang = false;
                    }
                    else if (b == '!' && _dashes >= 2)
                    {
                        _bang = true;
                    }
                    else
                    {
                        _dashes = 0;
                        _bang = false;
                    }

                    break;
                case State.BogusComment:
                    if (b == '>')
                    {
                        _state = State.Text;
                    }

                    break;
                case State.RawText:
                    written += MatchRawEnd(b, output[written..], ref i);
                    continue;
                case State.Plaintext:
                    break;
            }

            if (_state != State.TagName && (_keep || _state is not (State.TagBody or State.AfterEquals or State.Quoted)))
            {
                output[written++] = b;
            }

            i++;
        }

        return written;
    }

    private void StartName(bool endTag)
    {
        _state = State.TagName;
        _endTag = endTag;
        _nameLength = 0;
        _lastSlash = false;
        _keep = true;
    }

    /// <summary>The name is known: apply the implied ends, decide to keep or drop the tag, write what was held.</summary>
    private int EndName(Span<byte> output)
    {
        Span<char> lower = stackalloc char[_nameLength];
        for (var k = 0; k < _nameLength; k++)
        {
            lower[k] = (char)(_name[k] is >= (byte)'A' and <= (byte)'Z' ? _name[k] + 32 : _name[k]);
        }

        _tag = new string(lower);
        _state = State.TagBody;
        if (_endTag)
        {
            EndTag(_tag);
        }

        var written = 0;
        if (!_endTag)
        {
            var fate = StartTag(_tag);
            _keep = fate != StartTagFate.Drop;
            if (!_keep)
            {
                Dropped++;
                return 0;
            }

            if (fate == StartTagFate.KeepAfterClosingDeepest)
            {
                Flattened++;
                var deepest = PopDeepest();
                output[written++] = (byte)'<';
                output[written++] = (byte)'/';
                written += System.Text.Encoding.Latin1.GetBytes(deepest, output[written..]);
                output[written++] = (byte)'>';
            }
        }

        output[written++] = (byte)'<';
        if (_endTag)
        {
            output[written++] = (byte)'/';
        }

        _name.AsSpan(0, _nameLength).CopyTo(output[written..]);
        return written + _nameLength;
    }

    /// <summary>Passes raw text (script, style, title…) through until its own end tag.</summary>
    private int MatchRawEnd(byte b, Span<byte> output, ref int i)
    {
        var end = _rawEnd!;
        if (_rawMatched == end.Length)
        {
            if (IsNameEnd(b))
            {
                // "</script" and a delimiter: the rest is an ordinary end tag.
                EndTag(end[2..]);
                _endTag = true;
                _keep = true;
                _tag = end[2..];
                _state = State.TagBody;
                return 0;
            }

            _rawMatched = 0;
        }

        var lower = b is >= (byte)'A' and <= (byte)'Z' ? (char)(b + 32) : (char)b;
        _rawMatched = lower == end[_rawMatched] ? _rawMatched + 1 : lower == '<' ? 1 : 0;
        output[0] = b;
        i++;
        return 1;
    }

    private static bool IsLetter(byte b) => (uint)((b | 0x20) - 'a') <= 'z' - 'a';

    private static bool IsSpace(byte b) => b is (byte)' ' or (byte)'\t' or (byte)'\n' or (byte)'\r' or (byte)'\f';

    private static bool IsNameEnd(byte b) => IsSpace(b) || b is (byte)'/' or (byte)'>';
}
