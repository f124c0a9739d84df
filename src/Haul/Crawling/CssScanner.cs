using System.Globalization;

namespace Haul.Crawling;

/// <summary>
/// Reads a stylesheet, a <c>&lt;style&gt;</c> block or a <c>style=""</c> value for the pictures it
/// names: <c>url()</c> (quoted or not), <c>image-set()</c> candidates and <c>@import</c>s. A small
/// tokenizer after CSS Syntax Level 3, not a CSS parser: comments, strings, escapes and bad URLs are
/// handled as browsers tokenize them, so <c>/* url(a.png) */</c> or <c>content: "url(b.png)"</c> is
/// never fetched, while rules the full grammar would reject still give up their pictures.
/// Fonts (<c>@font-face</c>) are not pictures and are left out.
/// </summary>
internal sealed partial class CssScanner
{
    private readonly string _css;
    private readonly bool _allCandidates;
    private readonly List<string> _pictures = [];
    private readonly HashSet<string> _seen = new(StringComparer.Ordinal);
    private readonly List<string> _imports = [];
    private readonly Stack<CssFunction> _functions = new();
    private int _position;
    private int _braces;
    private int _fontFaceBraces = -1;
    private bool _fontFacePending;
    private bool _importPending;

    private CssScanner(string css, bool allCandidates)
    {
        _css = css;
        _allCandidates = allCandidates;
    }

    /// <summary>Scans CSS text.</summary>
    /// <param name="css">The stylesheet, block or declarations.</param>
    /// <param name="allCandidates">Keep every <c>image-set()</c> candidate instead of the densest one.</param>
    public static CssReferences Scan(string css, bool allCandidates = false)
    {
        ArgumentNullException.ThrowIfNull(css);
        var scanner = new CssScanner(css, allCandidates);
        scanner.Run();
        return new CssReferences(scanner._pictures, scanner._imports);
    }

    private void Run()
    {
        while (_position < _css.Length)
        {
            var c = _css[_position];
            if (c == '/' && Peek(1) == '*')
            {
                var end = _css.IndexOf("*/", _position + 2, StringComparison.Ordinal);
                _position = end < 0 ? _css.Length : end + 2;
            }
            else if (c is '"' or '\'')
            {
                OnString(ReadString());
            }
            else if (c == '@' && StartsIdentifier(_position + 1))
            {
                _position++;
                OnAtKeyword(ReadIdentifier());
            }
            else if (StartsIdentifier(_position))
            {
                var name = ReadIdentifier();
                if (Peek(0) == '(')
                {
                    _position++;
                    OnFunction(name);
                }
            }
            else if (StartsNumber(_position))
            {
                OnDimension(ReadDimension());
            }
            else
            {
                _position++;
                OnDelimiter(c);
            }
        }
    }

    private void OnDelimiter(char c)
    {
        switch (c)
        {
            case '(':
            case '[':
                _functions.Push(CssFunction.Other);
                break;
            case ')':
            case ']':
                if (_functions.TryPop(out var closed) && closed.ImageSet is { } set)
                {
                    foreach (var url in set.Chosen(_allCandidates))
                    {
                        AddPicture(url);
                    }
                }

                break;
            case ',' when _functions.TryPeek(out var top) && top.ImageSet is { } current:
                current.EndCandidate();
                break;
            case '{':
                _braces++;
                _importPending = false;
                if (_fontFacePending)
                {
                    _fontFaceBraces = _braces;
                    _fontFacePending = false;
                }

                break;
            case '}':
                if (_braces == _fontFaceBraces)
                {
                    _fontFaceBraces = -1;
                }

                _braces = Math.Max(0, _braces - 1);

                // A block's end closes whatever a broken value left open.
                _functions.Clear();
                break;
            case ';' when _functions.Count == 0:
                _importPending = false;
                _fontFacePending = false;
                break;
        }
    }

    private void OnAtKeyword(string name)
    {
        if (name.Equals("import", StringComparison.OrdinalIgnoreCase))
        {
            _importPending = true;
        }
        else if (name.Equals("font-face", StringComparison.OrdinalIgnoreCase))
        {
            _fontFacePending = true;
        }
    }

    private void OnFunction(string name)
    {
        if (name.Equals("url", StringComparison.OrdinalIgnoreCase))
        {
            OnUrl(ReadUrl());
        }
        else if (name.Equals("image-set", StringComparison.OrdinalIgnoreCase) || name.Equals("-webkit-image-set", StringComparison.OrdinalIgnoreCase))
        {
            _functions.Push(new CssFunction(new CssImageSet(), IsType: false));
        }
        else if (name.Equals("type", StringComparison.OrdinalIgnoreCase) && _functions.TryPeek(out var top) && top.ImageSet is not null)
        {
            _functions.Push(new CssFunction(top.ImageSet, IsType: true));
        }
        else
        {
            _functions.Push(CssFunction.Other);
        }
    }

    // A bare string is a URL only after @import and as an image-set() candidate.
    private void OnString(string? text)
    {
        if (text is null)
        {
            return;
        }

        if (_functions.TryPeek(out var top) && top.ImageSet is { } set)
        {
            if (top.IsType)
            {
                set.SetType(text);
            }
            else
            {
                set.Add(text);
            }
        }
        else if (_importPending && _functions.Count == 0)
        {
            AddImport(text);
        }
    }

    private void OnUrl(string? url)
    {
        if (url is null)
        {
            return;
        }

        if (_importPending && _functions.Count == 0)
        {
            AddImport(url);
        }
        else if (_functions.TryPeek(out var top) && top.ImageSet is { } set && !top.IsType)
        {
            set.Add(url);
        }
        else if (_fontFaceBraces < 0)
        {
            AddPicture(url);
        }
    }

    private void OnDimension((double Value, string Unit) dimension)
    {
        if (_functions.TryPeek(out var top) && top.ImageSet is { } set && !top.IsType)
        {
            set.SetResolution(dimension.Value, dimension.Unit);
        }
    }

    private void AddImport(string url)
    {
        _importPending = false;
        if (url.Trim().Length > 0)
        {
            _imports.Add(url.Trim());
        }
    }

    private void AddPicture(string url)
    {
        var trimmed = url.Trim();
        if (trimmed.Length > 0 && _seen.Add(trimmed))
        {
            _pictures.Add(trimmed);
        }
    }

    private char Peek(int offset) => _position + offset < _css.Length ? _css[_position + offset] : '\0';

    private static double ParseNumber(string text) =>
        double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) ? value : 0;

    /// <summary>An open parenthesis: an <c>image-set()</c> (or a <c>type()</c> inside one), or anything else.</summary>
    private sealed record CssFunction(CssImageSet? ImageSet, bool IsType)
    {
        public static CssFunction Other { get; } = new(null, false);
    }
}
