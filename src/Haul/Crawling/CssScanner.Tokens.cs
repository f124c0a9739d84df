using System.Globalization;
using System.Text;

namespace Haul.Crawling;

/// <summary>The token readers: identifiers, numbers, strings, URLs and escapes, as CSS Syntax Level 3 defines them.</summary>
internal sealed partial class CssScanner
{
    private const char Replacement = '\uFFFD';

    private bool StartsIdentifier(int at)
    {
        var c = At(at);
        if (IsNameStart(c))
        {
            return true;
        }

        if (c == '-')
        {
            var next = At(at + 1);
            return IsNameStart(next) || next == '-' || IsValidEscape(at + 1);
        }

        return IsValidEscape(at);
    }

    private bool StartsNumber(int at)
    {
        var c = At(at);
        if (c is '+' or '-')
        {
            c = At(++at);
        }

        return char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(At(at + 1)));
    }

    private bool IsValidEscape(int at) => At(at) == '\\' && At(at + 1) is not ('\n' or '\r' or '\f') && at + 1 < _css.Length;

    private char At(int at) => at < _css.Length ? _css[at] : '\0';

    private static bool IsNameStart(char c) => char.IsAsciiLetter(c) || c == '_' || c >= '\u0080';

    private static bool IsName(char c) => IsNameStart(c) || char.IsAsciiDigit(c) || c == '-';

    private string ReadIdentifier()
    {
        var name = new StringBuilder();
        while (_position < _css.Length)
        {
            var c = _css[_position];
            if (IsName(c))
            {
                name.Append(c);
                _position++;
            }
            else if (IsValidEscape(_position))
            {
                _position++;
                AppendEscape(name);
            }
            else
            {
                break;
            }
        }

        return name.ToString();
    }

    private (double Value, string Unit) ReadDimension()
    {
        var start = _position;
        if (At(_position) is '+' or '-')
        {
            _position++;
        }

        while (char.IsAsciiDigit(At(_position)) || (At(_position) == '.' && char.IsAsciiDigit(At(_position + 1))))
        {
            _position++;
        }

        var value = ParseNumber(_css[start.._position]);
        if (At(_position) == '%')
        {
            _position++;
            return (value, "%");
        }

        return (value, StartsIdentifier(_position) ? ReadIdentifier() : "");
    }

    /// <summary>Reads a quoted string from its opening quote; null for a bad string (a raw newline ends it).</summary>
    private string? ReadString()
    {
        var quote = _css[_position++];
        var text = new StringBuilder();
        while (_position < _css.Length)
        {
            var c = _css[_position];
            if (c == quote)
            {
                _position++;
                return text.ToString();
            }

            if (c is '\n' or '\r' or '\f')
            {
                return null;
            }

            if (c == '\\')
            {
                var next = At(_position + 1);
                if (_position + 1 >= _css.Length)
                {
                    _position++;
                }
                else if (next is '\n' or '\f')
                {
                    _position += 2;
                }
                else if (next == '\r')
                {
                    _position += At(_position + 2) == '\n' ? 3 : 2;
                }
                else
                {
                    _position++;
                    AppendEscape(text);
                }

                continue;
            }

            text.Append(c);
            _position++;
        }

        return text.ToString();
    }

    /// <summary>Reads what follows <c>url(</c>: a quoted string or an unquoted URL up to <c>)</c>; null for a bad URL.</summary>
    private string? ReadUrl()
    {
        SkipWhitespace();
        if (At(_position) is '"' or '\'')
        {
            var quoted = ReadString();
            SkipWhitespace();
            if (At(_position) == ')')
            {
                _position++;
                return quoted;
            }

            SkipBadUrl();
            return null;
        }

        var url = new StringBuilder();
        while (_position < _css.Length)
        {
            var c = _css[_position];
            if (c == ')')
            {
                _position++;
                return url.ToString();
            }

            if (char.IsWhiteSpace(c))
            {
                SkipWhitespace();
                if (At(_position) == ')' || _position >= _css.Length)
                {
                    _position++;
                    return url.ToString();
                }

                SkipBadUrl();
                return null;
            }

            if (c is '"' or '\'' or '(' || char.IsControl(c))
            {
                SkipBadUrl();
                return null;
            }

            if (c == '\\')
            {
                if (!IsValidEscape(_position))
                {
                    SkipBadUrl();
                    return null;
                }

                _position++;
                AppendEscape(url);
                continue;
            }

            url.Append(c);
            _position++;
        }

        return url.ToString();
    }

    private void SkipBadUrl()
    {
        while (_position < _css.Length && _css[_position] != ')')
        {
            _position += IsValidEscape(_position) ? 2 : 1;
        }

        _position++;
    }

    private void SkipWhitespace()
    {
        while (_position < _css.Length && char.IsWhiteSpace(_css[_position]))
        {
            _position++;
        }
    }

    /// <summary>Appends one escaped code point; the position is just after the backslash.</summary>
    private void AppendEscape(StringBuilder text)
    {
        if (_position >= _css.Length)
        {
            text.Append(Replacement);
            return;
        }

        var start = _position;
        while (_position < _css.Length && _position - start < 6 && char.IsAsciiHexDigit(_css[_position]))
        {
            _position++;
        }

        if (_position == start)
        {
            text.Append(_css[_position++]);
            return;
        }

        var code = int.Parse(_css.AsSpan(start, _position - start), NumberStyles.HexNumber, CultureInfo.InvariantCulture);
        if (At(_position) == '\r' && At(_position + 1) == '\n')
        {
            _position += 2;
        }
        else if (char.IsWhiteSpace(At(_position)) && _position < _css.Length)
        {
            _position++;
        }

        text.Append(code == 0 || code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF) ? Replacement.ToString() : char.ConvertFromUtf32(code));
    }
}
