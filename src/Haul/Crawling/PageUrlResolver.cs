using AngleSharp.Dom;

namespace Haul.Crawling;

/// <summary>Turns attribute values into absolute http(s) URLs the way a browser would for this page.</summary>
internal sealed class PageUrlResolver
{
    private PageUrlResolver(Uri baseUrl) => BaseUrl = baseUrl;

    public Uri BaseUrl { get; }

    /// <summary>Uses the first <c>&lt;base href&gt;</c> (resolved against the page URL), as browsers do; later ones are ignored.</summary>
    public static PageUrlResolver For(IDocument document, Uri pageUrl)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(pageUrl);
        var href = document.QuerySelector("base[href]")?.GetAttribute("href");
        var pageResolver = new PageUrlResolver(pageUrl);
        return new PageUrlResolver(href is null ? pageUrl : pageResolver.Resolve(href) ?? pageUrl);
    }

    /// <summary>The absolute URL without its fragment, or null for blank, malformed and non-http(s) values (data:, javascript:, mailto:, …).</summary>
    public Uri? Resolve(string? value)
    {
        if (value is null)
        {
            return null;
        }

        // Browsers strip surrounding whitespace and drop tabs and newlines anywhere in a URL.
        var text = value.Trim();
        if (text.AsSpan().IndexOfAny('\t', '\n', '\r') >= 0)
        {
            text = text.Replace("\t", "", StringComparison.Ordinal).Replace("\n", "", StringComparison.Ordinal).Replace("\r", "", StringComparison.Ordinal);
        }

        if (text.Length == 0 || !Uri.TryCreate(BaseUrl, text, out var url))
        {
            return null;
        }

        if (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps)
        {
            return null;
        }

        return url.Fragment.Length == 0 ? url : new Uri(url.GetLeftPart(UriPartial.Query));
    }
}
