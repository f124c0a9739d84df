using System.Collections.Immutable;
using System.Text;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;
using AngleSharp.Text;

namespace Haul.Crawling;

/// <summary>
/// Finds the pictures and the links to follow in one HTML page. Pure parsing: nothing is fetched, and the
/// document never runs scripts or loads styles. Safe to share between concurrent page parses.
/// </summary>
internal sealed class PageExtractor
{
    /// <summary>The CSS selector of links to follow when none is given.</summary>
    public const string DefaultFollow = "a[href]";

    // Scripts, comments and positions are never read here, so they are not kept (a big page costs less).
    private static readonly HtmlParserOptions ParserOptions = new()
    {
        DisableElementPositionTracking = true,
        SkipComments = true,
        SkipScriptText = true,
    };

    /// <summary>Builds an extractor.</summary>
    /// <param name="imageRules">Custom picture rules; empty for the default rules.</param>
    /// <param name="follow">The CSS selector of links to follow; each match's href is used.</param>
    /// <param name="pictureRules">How the default rules choose among candidates; null for one file per picture, no icons.</param>
    /// <exception cref="ArgumentException">The follow selector is not valid CSS.</exception>
    public PageExtractor(IReadOnlyList<SelectorRule> imageRules, string follow = DefaultFollow, PictureRules? pictureRules = null)
    {
        ArgumentNullException.ThrowIfNull(imageRules);
        ImageRules = [.. imageRules];
        Follow = SelectorRule.ValidSelector(follow, paramName: nameof(follow));
        PictureRules = pictureRules ?? PictureRules.Default;
    }

    /// <summary>The default picture rules and <c>a[href]</c> links.</summary>
    public static PageExtractor Default { get; } = new([]);

    public ImmutableArray<SelectorRule> ImageRules { get; }

    public string Follow { get; }

    public PictureRules PictureRules { get; }

    /// <summary>Builds an extractor from the crawl options' <c>--select</c> and <c>--follow</c> texts.</summary>
    /// <exception cref="ArgumentException">A rule or the follow selector is invalid.</exception>
    public static PageExtractor Create(IReadOnlyList<string> select, string follow = DefaultFollow, PictureRules? pictureRules = null)
    {
        ArgumentNullException.ThrowIfNull(select);
        return new PageExtractor([.. select.Select(SelectorRule.Parse)], follow, pictureRules);
    }

    /// <summary>Parses a page as it arrives.</summary>
    /// <param name="html">The response body.</param>
    /// <param name="pageUrl">The page's final URL (after redirects), which relative URLs resolve against.</param>
    /// <param name="contentType">The Content-Type header or a bare charset; null or unknown lets the parser detect it (BOM, meta charset).</param>
    /// <param name="cancellationToken">Stops the parse.</param>
    public async Task<PageExtraction> ExtractAsync(Stream html, Uri pageUrl, string? contentType = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(pageUrl);
        using var document = await ParseAsync(html, contentType, cancellationToken).ConfigureAwait(false);
        return Extract(document, pageUrl);
    }

    /// <summary>Parses a page already held as text.</summary>
    public async Task<PageExtraction> ExtractAsync(string html, Uri pageUrl, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(html);
        ArgumentNullException.ThrowIfNull(pageUrl);
        using var bytes = new MemoryStream(Encoding.UTF8.GetBytes(html));
        using var document = await ParseAsync(bytes, "utf-8", cancellationToken).ConfigureAwait(false);
        return Extract(document, pageUrl);
    }

    /// <summary>
    /// Parses at most <see cref="PageLimitStream.MaxPageBytes"/> of a page, nested at most
    /// <see cref="PageNestingLimiter.MaxDepth"/> deep, so that the work per page stays linear.
    /// </summary>
    internal static async Task<IDocument> ParseAsync(Stream html, string? contentType, CancellationToken cancellationToken)
    {
        var encoding = EncodingOf(contentType);
        var limited = new PageLimitStream(html, encoding);
        await using (limited.ConfigureAwait(false))
        {
            // Streaming keeps only a window of decoded text, not the whole page beside its DOM.
            return await new HtmlParser(ParserOptions)
                .ParseDocumentAsync(limited, HtmlStreamSourceMode.Streaming, encoding is UnicodeEncoding or UTF32Encoding ? Encoding.UTF8 : encoding, cancellationToken)
                .ConfigureAwait(false);
        }
    }

    /// <summary>Extracts from a parsed document.</summary>
    public PageExtraction Extract(IDocument document, Uri pageUrl)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(pageUrl);
        var resolver = PageUrlResolver.For(document, pageUrl);
        var images = new PageImageCollector();
        var stylesheets = new List<Uri>();
        if (ImageRules.IsEmpty)
        {
            PageDefaultRules.Collect(document, resolver, images, PictureRules, stylesheets);
        }
        else
        {
            foreach (var rule in ImageRules)
            {
                CollectCustom(document, rule, resolver, images);
            }
        }

        return new PageExtraction(resolver.BaseUrl, images.ToImmutable(), Links(document, resolver), [.. stylesheets.DistinctBy(sheet => sheet.AbsoluteUri)]);
    }

    private static void CollectCustom(IDocument document, SelectorRule rule, PageUrlResolver resolver, PageImageCollector images)
    {
        foreach (var element in document.QuerySelectorAll(rule.Selector))
        {
            var attribute = rule.AttributeFor(element);
            var value = element.GetAttribute(attribute);
            if (value is null)
            {
                continue;
            }

            var alt = PageText.Alt(element);
            var title = PageText.Title(element);

            // A rule may point at a srcset or a style; reading those as one URL would fetch garbage.
            if (attribute.EndsWith("srcset", StringComparison.OrdinalIgnoreCase))
            {
                images.Add(resolver.Resolve(SrcsetParser.Largest(value)?.Url), alt, title, rule.Text);
            }
            else if (attribute.Equals("style", StringComparison.OrdinalIgnoreCase))
            {
                foreach (var url in CssScanner.Scan(value).Pictures)
                {
                    images.Add(resolver.Resolve(url), alt, title, rule.Text);
                }
            }
            else
            {
                images.Add(resolver.Resolve(value), alt, title, rule.Text);
            }
        }
    }

    private ImmutableArray<Uri> Links(IDocument document, PageUrlResolver resolver)
    {
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var links = ImmutableArray.CreateBuilder<Uri>();
        foreach (var element in document.QuerySelectorAll(Follow))
        {
            if (resolver.Resolve(element.GetAttribute("href")) is { } url && seen.Add(url.AbsoluteUri))
            {
                links.Add(url);
            }
        }

        return links.ToImmutable();
    }

    private static Encoding? EncodingOf(string? contentType)
    {
        if (string.IsNullOrWhiteSpace(contentType))
        {
            return null;
        }

        if (contentType.Contains('=', StringComparison.Ordinal))
        {
            return TextEncoding.Parse(contentType);
        }

        var charset = contentType.Trim().Trim('"');
        return TextEncoding.IsSupported(charset) ? TextEncoding.Resolve(charset) : null;
    }
}
