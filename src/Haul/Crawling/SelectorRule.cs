using AngleSharp.Css.Parser;
using AngleSharp.Dom;

namespace Haul.Crawling;

/// <summary>A <c>--select 'CSS[@attr]'</c> rule: which elements hold a picture URL, and in which attribute.</summary>
internal sealed class SelectorRule
{
    // One parser for validation only; CssSelectorParser keeps no state between calls.
    private static readonly CssSelectorParser Parser = new();

    private SelectorRule(string text, string selector, string? attribute)
    {
        Text = text;
        Selector = selector;
        Attribute = attribute;
    }

    /// <summary>The rule as the user wrote it, trimmed; it names the rule in results.</summary>
    public string Text { get; }

    /// <summary>The CSS selector, already checked to be valid.</summary>
    public string Selector { get; }

    /// <summary>The attribute holding the URL, or null to choose by element (see <see cref="AttributeFor"/>).</summary>
    public string? Attribute { get; }

    /// <summary>Parses <c>CSS</c> or <c>CSS@attr</c>.</summary>
    /// <exception cref="ArgumentException">The selector is not valid CSS, or the attribute after <c>@</c> is empty.</exception>
    public static SelectorRule Parse(string rule)
    {
        ArgumentNullException.ThrowIfNull(rule);
        var text = rule.Trim();
        var selector = text;
        string? attribute = null;

        // The last '@' splits off the attribute unless it sits inside the selector, as in a[href*="@"].
        var at = text.LastIndexOf('@');
        if (at >= 0 && IsAttributeName(text.AsSpan(at + 1).Trim()))
        {
            selector = text[..at].Trim();
            attribute = text[(at + 1)..].Trim();
            if (attribute.Length == 0)
            {
                throw new ArgumentException($"The rule '{rule}' names no attribute after '@'; write it as CSS@attribute, e.g. img.photo@data-src.", nameof(rule));
            }
        }

        return new SelectorRule(text, ValidSelector(selector, rule, nameof(rule)), attribute);
    }

    /// <summary>Checks a plain CSS selector, such as the <c>--follow</c> one.</summary>
    /// <exception cref="ArgumentException">The selector is not valid CSS.</exception>
    public static string ValidSelector(string selector, string? shownAs = null, string paramName = "selector")
    {
        ArgumentNullException.ThrowIfNull(selector);
        var trimmed = selector.Trim();

        // AngleSharp reports a syntax error as a null selector here, and as a DomException from QuerySelectorAll.
        if (trimmed.Length == 0 || Parser.ParseSelector(trimmed) is null)
        {
            throw new ArgumentException($"'{shownAs ?? selector}' is not a valid CSS selector.", paramName);
        }

        return trimmed;
    }

    /// <summary>The attribute to read on one matched element: the explicit one, else the usual URL attribute of that element.</summary>
    public string AttributeFor(IElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        return Attribute ?? element.LocalName switch
        {
            "a" => "href",
            "meta" => "content",
            _ => "src",
        };
    }

    public override string ToString() => Text;

    // Anything that could continue a selector (brackets, quotes, combinators) means the '@' was part of it.
    private static bool IsAttributeName(ReadOnlySpan<char> text) =>
        text.IndexOfAny("[]()\"'=>+~,#. \t") < 0;
}
