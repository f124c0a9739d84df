using AngleSharp.Dom;

namespace Haul.Crawling;

/// <summary>
/// The picture rules used without <c>--select</c>, applied in one walk over the document so results come in
/// document order and a 20,000-image gallery is not walked six times. Stylesheets a page links or
/// <c>@import</c>s are listed for the visitor to fetch; <c>&lt;style&gt;</c> blocks are read here.
/// </summary>
internal static class PageDefaultRules
{
    private static readonly string[] IconRels = ["icon", "apple-touch-icon", "apple-touch-icon-precomposed"];

    public static void Collect(IDocument document, PageUrlResolver resolver, PageImageCollector images, PictureRules rules, ICollection<Uri> stylesheets)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(images);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(stylesheets);
        Dictionary<IElement, string>? linkTitles = null;
        foreach (var element in document.All)
        {
            switch (element.LocalName)
            {
                case "picture":
                    PictureChoice.CollectPicture(element, resolver, images, rules, LinkTitle(linkTitles, element));
                    break;
                case "img" when element.ParentElement is not { LocalName: "picture" }:
                    PictureChoice.CollectImg(element, resolver, images, rules, LinkTitle(linkTitles, element));
                    break;
                case "a":
                    CollectImageLink(element, resolver, images, rules, ref linkTitles);
                    break;
                case "meta" when string.Equals(element.GetAttribute("property")?.Trim(), "og:image", StringComparison.OrdinalIgnoreCase):
                    images.Add(resolver.Resolve(element.GetAttribute("content")), null, null, ImageRuleName.OpenGraph);
                    break;
                case "video":
                    images.Add(resolver.Resolve(element.GetAttribute("data-poster") ?? element.GetAttribute("poster")), null, PageText.Normalize(element.GetAttribute("title")), ImageRuleName.VideoPoster);
                    break;
                case "image" when element.NamespaceUri == NamespaceNames.SvgUri:
                    images.Add(resolver.Resolve(element.GetAttribute("href") ?? element.GetAttribute(NamespaceNames.XLinkUri, "href")), null, null, ImageRuleName.SvgImage);
                    break;
                case "link":
                    CollectLink(element, resolver, images, rules, stylesheets);
                    break;
                case "style":
                    CollectCss(element.TextContent, resolver, images, rules, ImageRuleName.StyleBlock, null, null, stylesheets);
                    break;
            }

            if (element.GetAttribute("style") is { } style)
            {
                // Only the element's own caption: a styled wrapper's first img may be about something else.
                var alt = element.LocalName == "img" ? PageText.Normalize(element.GetAttribute("alt")) : null;
                CollectCss(style, resolver, images, rules, ImageRuleName.InlineStyle, alt, PageText.Normalize(element.GetAttribute("title")), null);
            }

            if (element.GetAttribute("data-bg") is { } background)
            {
                // lazysizes writes a bare URL here, vanilla-lazyload a url() value.
                var title = PageText.Normalize(element.GetAttribute("title"));
                if (background.Contains('(', StringComparison.Ordinal))
                {
                    CollectCss(background, resolver, images, rules, ImageRuleName.LazyBackground, null, title, null);
                }
                else
                {
                    images.Add(resolver.Resolve(background), null, title, ImageRuleName.LazyBackground);
                }
            }
        }
    }

    // A link around the same picture in another format is not a second picture (PictureLink), but its
    // title, often a lightbox caption, still names the picture the browser shows.
    private static void CollectImageLink(IElement link, PageUrlResolver resolver, PageImageCollector images, PictureRules rules, ref Dictionary<IElement, string>? linkTitles)
    {
        if (resolver.Resolve(link.GetAttribute("href")) is not { } target || !ImageUrl.HasImageExtension(target))
        {
            return;
        }

        var same = rules.AllFormats ? null : PictureLink.WrappedSamePicture(link, target, resolver);
        if (same is null)
        {
            images.Add(target, PageText.Alt(link), PageText.Title(link), ImageRuleName.ImageLink);
        }
        else if (PageText.Normalize(link.GetAttribute("title")) is { } title)
        {
            (linkTitles ??= [])[same] = title;
        }
    }

    private static string? LinkTitle(Dictionary<IElement, string>? linkTitles, IElement element) =>
        linkTitles is not null && linkTitles.TryGetValue(element, out var title) ? title : null;

    private static void CollectLink(IElement link, PageUrlResolver resolver, PageImageCollector images, PictureRules rules, ICollection<Uri> stylesheets)
    {
        var rel = (link.GetAttribute("rel") ?? "").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
        if (rel.Contains("stylesheet", StringComparer.OrdinalIgnoreCase))
        {
            // An alternate stylesheet is not applied until the visitor picks it.
            if (!rel.Contains("alternate", StringComparer.OrdinalIgnoreCase) && resolver.Resolve(link.GetAttribute("href")) is { } sheet)
            {
                stylesheets.Add(sheet);
            }
        }
        else if (rules.Icons && rel.Any(token => IconRels.Contains(token, StringComparer.OrdinalIgnoreCase)))
        {
            images.Add(resolver.Resolve(link.GetAttribute("href")), null, null, ImageRuleName.Icon);
        }
    }

    private static void CollectCss(string css, PageUrlResolver resolver, PageImageCollector images, PictureRules rules, string rule, string? alt, string? title, ICollection<Uri>? stylesheets)
    {
        var references = CssScanner.Scan(css, rules.AllFormats);
        foreach (var url in references.Pictures)
        {
            images.Add(resolver.Resolve(url), alt, title, rule);
        }

        if (stylesheets is null)
        {
            return;
        }

        foreach (var import in references.Imports)
        {
            if (resolver.Resolve(import) is { } sheet)
            {
                stylesheets.Add(sheet);
            }
        }
    }
}
