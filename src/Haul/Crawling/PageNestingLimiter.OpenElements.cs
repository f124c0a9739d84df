namespace Haul.Crawling;

/// <summary>
/// The limiter's model of the parser's stack of open elements. Where it cannot follow the parser
/// exactly it errs on the side of counting more open elements (and dropping sooner), never fewer:
/// an element closed here that the parser keeps open would let its stack grow past the limit.
/// </summary>
internal sealed partial class PageNestingLimiter
{
    /// <summary>
    /// Formatting elements (other than <c>a</c>) left open are re-opened by the parser before later
    /// content; past this many a page is only trying to make it do that work, and more are dropped.
    /// </summary>
    public const int MaxOpenFormatting = 256;

    private static readonly HashSet<string> Void = new(StringComparer.Ordinal)
    {
        "area", "base", "basefont", "bgsound", "br", "col", "embed", "frame", "hr", "image", "img", "input",
        "keygen", "link", "meta", "param", "source", "track", "wbr",
    };

    private static readonly HashSet<string> RawText = new(StringComparer.Ordinal)
    {
        "script", "style", "xmp", "iframe", "noembed", "noframes", "textarea", "title",
    };

    private static readonly HashSet<string> Formatting = new(StringComparer.Ordinal)
    {
        "b", "big", "code", "em", "font", "i", "nobr", "s", "small", "strike", "strong", "tt", "u",
    };

    private static readonly HashSet<string> ClosesParagraph = new(StringComparer.Ordinal)
    {
        "address", "article", "aside", "blockquote", "center", "details", "dialog", "dir", "div", "dl",
        "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4", "h5", "h6", "header",
        "hgroup", "hr", "listing", "main", "menu", "nav", "ol", "p", "pre", "search", "section", "summary",
        "table", "ul", "li", "dd", "dt", "xmp", "plaintext",
    };

    /// <summary>The HTML standard's "special" elements: an end tag of another element never closes one of these.</summary>
    private static readonly HashSet<string> Special = new(StringComparer.Ordinal)
    {
        "address", "applet", "area", "article", "aside", "base", "basefont", "bgsound", "blockquote", "body",
        "br", "button", "caption", "center", "col", "colgroup", "dd", "details", "dir", "div", "dl", "dt",
        "embed", "fieldset", "figcaption", "figure", "footer", "form", "frame", "frameset", "h1", "h2", "h3",
        "h4", "h5", "h6", "head", "header", "hgroup", "hr", "html", "iframe", "img", "input", "keygen", "li",
        "link", "listing", "main", "marquee", "menu", "meta", "nav", "noembed", "noframes", "noscript",
        "object", "ol", "p", "param", "plaintext", "pre", "script", "search", "section", "select", "source",
        "style", "summary", "table", "tbody", "td", "template", "textarea", "tfoot", "th", "thead", "title",
        "tr", "track", "ul", "wbr", "xmp", "svg", "math",
    };

    private static readonly HashSet<string> Scope = new(StringComparer.Ordinal)
    {
        "applet", "caption", "html", "table", "td", "th", "marquee", "object", "template", "svg", "math",
    };

    private static readonly HashSet<string> ButtonScope = new(Scope.Append("button"), StringComparer.Ordinal);

    private static readonly HashSet<string> TableScope = new(StringComparer.Ordinal) { "html", "table", "template" };

    /// <summary>What stops the search for an open li, dd or dt: special elements but address, div and p.</summary>
    private static readonly HashSet<string> ListItemStop = new(Special.Except(["address", "div", "p"]), StringComparer.Ordinal);

    /// <summary>What stops an ordinary end tag: every special element.</summary>
    private static readonly HashSet<string> OrdinaryStop = new(Special.Concat(Scope), StringComparer.Ordinal);

    private readonly List<string> _open = [];
    private readonly Dictionary<string, int> _openCount = new(StringComparer.Ordinal);
    private int _openFormatting;

    private enum StartTagFate
    {
        Keep,
        Drop,
        KeepAfterClosingDeepest,
    }

    /// <summary>
    /// Applies the implied ends of a start tag; then the tag is kept, dropped, or kept after the
    /// deepest open element is closed (as browsers put elements past their depth limit beside it).
    /// </summary>
    private StartTagFate StartTag(string tag)
    {
        if (ClosesParagraph.Contains(tag))
        {
            Close("p", ButtonScope, popThrough: true);
        }

        switch (tag)
        {
            case "li":
                Close("li", ListItemStop, popThrough: true);
                break;
            case "dd" or "dt":
                Close("dd", ListItemStop, popThrough: true);
                Close("dt", ListItemStop, popThrough: true);
                break;
            case "td" or "th":
                Close("td", TableScope, popThrough: true);
                Close("th", TableScope, popThrough: true);
                break;
            case "tr" or "tbody" or "thead" or "tfoot":
                Close("td", TableScope, popThrough: true);
                Close("th", TableScope, popThrough: true);
                Close("tr", TableScope, popThrough: true);
                if (tag != "tr")
                {
                    Close("tbody", TableScope, popThrough: true);
                    Close("thead", TableScope, popThrough: true);
                    Close("tfoot", TableScope, popThrough: true);
                }

                break;
            case "option" or "optgroup":
                // Only an option that is the current node is closed by the next one.
                if (_open.Count > 0 && _open[^1] == "option")
                {
                    Pop(_open.Count - 1);
                }

                break;
            case "button" or "select":
                Close(tag, Scope, popThrough: true);
                break;
            case "a" or "nobr":
                Close(tag, OrdinaryStop, popThrough: false);
                break;
        }

        if (Void.Contains(tag))
        {
            return StartTagFate.Keep;
        }

        if (Formatting.Contains(tag) && _openFormatting >= MaxOpenFormatting)
        {
            return StartTagFate.Drop;
        }

        return _open.Count >= MaxDepth ? StartTagFate.KeepAfterClosingDeepest : StartTagFate.Keep;
    }

    /// <summary>The deepest open element, closed to make room: its name for the end tag written.</summary>
    private string PopDeepest()
    {
        var deepest = _open[^1];
        Pop(_open.Count - 1);
        return deepest;
    }

    /// <summary>An end tag: special elements close through their scope, any other only through non-special elements.</summary>
    private void EndTag(string tag)
    {
        if (Special.Contains(tag))
        {
            Close(tag, tag == "p" ? ButtonScope : tag is "li" or "dd" or "dt" ? ListItemStop : Scope, popThrough: true);
        }
        else
        {
            Close(tag, OrdinaryStop, popThrough: false);
        }
    }

    /// <summary>The tag's <c>&gt;</c>: a kept start tag opens an element (or raw text) unless it is void.</summary>
    private void CloseTag()
    {
        _state = State.Text;
        if (_endTag || !_keep || Void.Contains(_tag))
        {
            return;
        }

        if (RawText.Contains(_tag))
        {
            _rawEnd = "</" + _tag;
            _rawMatched = 0;
            _state = State.RawText;
        }
        else if (_tag == "plaintext")
        {
            _state = State.Plaintext;
        }

        // A tag written self-closing still opens an element in HTML (only svg and math honour the
        // slash, and a breakout tag such as div leaves those), so it is counted as open.
        _open.Add(_tag);
        _openCount[_tag] = Count(_tag) + 1;
        if (Formatting.Contains(_tag))
        {
            // Counted until its own end tag: closed any other way it stays on the parser's list.
            _openFormatting++;
        }
    }

    /// <summary>
    /// Pops up to and including the nearest open <paramref name="tag"/>, unless one of
    /// <paramref name="stops"/> comes first (a stop that is the tag itself matches).
    /// </summary>
    private void Close(string tag, HashSet<string> stops, bool popThrough)
    {
        if (Count(tag) == 0)
        {
            return;
        }

        for (var k = _open.Count - 1; k >= 0; k--)
        {
            var name = _open[k];
            if (name == tag)
            {
                if (!popThrough && Formatting.Contains(tag))
                {
                    _openFormatting--;
                }

                Pop(k);
                return;
            }

            if (stops.Contains(name))
            {
                return;
            }
        }
    }

    private void Pop(int from)
    {
        for (var k = _open.Count - 1; k >= from; k--)
        {
            _openCount[_open[k]]--;
        }

        _open.RemoveRange(from, _open.Count - from);
    }

    private int Count(string tag) => _openCount.TryGetValue(tag, out var count) ? count : 0;
}
