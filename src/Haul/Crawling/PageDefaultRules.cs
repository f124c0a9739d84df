using AngleSharp.Dom;

namespace Haul.Crawling;

/// <summary>
/// The picture rules used without <c>--select</c>, applied in one walk over the document so results come in
/// document order and a 20,000-image gallery is not walked six times.
/// </summary>
internal static class PageDefaultRules
{
    public static void Collect(IDocument document, PageUrlResolver resolver, PageImageCollector images)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(images);
        foreach (var element in document.All)
        {
            switch (element.LocalName)
            {
                case "img":
                    CollectImg(element, resolver, images);
                    break;
                case "source" when element.ParentElement is { LocalName: "picture" } && element.HasAttribute("srcset"):
                    images.Add(Largest(element, resolver), PageText.Alt(element), PageText.Title(element), ImageRuleName.PictureSource);
                    break;
                case "a":
                    if (resolver.Resolve(element.GetAttribute("href")) is { } target && ImageUrl.HasImageExtension(target))
                    {
                        images.Add(target, PageText.Alt(element), PageText.Title(element), ImageRuleName.ImageLink);
                    }

                    break;
                case "meta" when string.Equals(element.GetAttribute("property")?.Trim(), "og:image", StringComparison.OrdinalIgnoreCase):
                    images.Add(resolver.Resolve(element.GetAttribute("content")), null, null, ImageRuleName.OpenGraph);
                    break;
            }

            if (element.GetAttribute("style") is { } style)
            {
                // Only the element's own caption: a styled wrapper's first img may be about something else.
                var alt = element.LocalName == "img" ? PageText.Normalize(element.GetAttribute("alt")) : null;
                var title = PageText.Normalize(element.GetAttribute("title"));
                foreach (var url in ImageStyleUrls.Extract(style))
                {
                    images.Add(resolver.Resolve(url), alt, title, ImageRuleName.InlineStyle);
                }
            }
        }
    }

    // Both are reported when they differ: src is often a small fallback, the srcset holds the full size.
    private static void CollectImg(IElement img, PageUrlResolver resolver, PageImageCollector images)
    {
        var alt = PageText.Alt(img);
        var title = PageText.Title(img);
        images.Add(resolver.Resolve(img.GetAttribute("src")), alt, title, ImageRuleName.ImgSrc);
        if (img.HasAttribute("srcset"))
        {
            images.Add(Largest(img, resolver), alt, title, ImageRuleName.ImgSrcset);
        }
    }

    private static Uri? Largest(IElement element, PageUrlResolver resolver) =>
        resolver.Resolve(SrcsetParser.Largest(element.GetAttribute("srcset") ?? "")?.Url);
}
