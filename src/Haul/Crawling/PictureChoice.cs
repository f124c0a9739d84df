using AngleSharp.Dom;

namespace Haul.Crawling;

/// <summary>
/// The file a browser would load for an <c>img</c> or a <c>&lt;picture&gt;</c>: one per picture, the
/// largest <c>srcset</c> candidate over a smaller <c>src</c>, the first <c>&lt;source&gt;</c> of a
/// type Haul keeps over the fallback <c>img</c>. Lazy-loading attributes (<c>data-src</c>,
/// <c>data-srcset</c>, …) hold what scripts would put in place, so they win over a placeholder
/// <c>src</c>. <see cref="PictureRules.AllFormats"/> keeps every candidate instead.
/// </summary>
internal static class PictureChoice
{
    private static readonly string[] LazySources = ["data-src", "data-lazy-src", "data-original"];

    // linkTitle: the title of a link around the picture that stands for it (PictureLink), used when the picture has none.
    public static void CollectPicture(IElement picture, PageUrlResolver resolver, PageImageCollector images, PictureRules rules, string? linkTitle = null)
    {
        var img = picture.Children.FirstOrDefault(child => child.LocalName == "img");
        var alt = img is null ? null : PageText.Alt(img);
        var title = (img is null ? PageText.Normalize(picture.GetAttribute("title")) : PageText.Title(img)) ?? linkTitle;
        foreach (var source in picture.Children.Where(child => child.LocalName == "source"))
        {
            // A type the crawl would refuse is passed over, as a browser passes over a type it cannot show.
            if (!PictureType.IsAccepted(source.GetAttribute("type"), rules.Accept, rules.Reject))
            {
                continue;
            }

            var candidates = Candidates(Srcset(source), rules.AllFormats);
            foreach (var candidate in candidates)
            {
                images.Add(resolver.Resolve(candidate), alt, title, ImageRuleName.PictureSource);
            }

            if (candidates.Count > 0 && !rules.AllFormats)
            {
                return;
            }
        }

        if (img is not null)
        {
            CollectImg(img, resolver, images, rules, linkTitle);
        }
    }

    // linkTitle: the title of a link around the image that stands for it (PictureLink), used when the image has none.
    public static void CollectImg(IElement img, PageUrlResolver resolver, PageImageCollector images, PictureRules rules, string? linkTitle = null)
    {
        var alt = PageText.Alt(img);
        var title = PageText.Title(img) ?? linkTitle;
        var fromSrcset = Candidates(Srcset(img), rules.AllFormats);
        foreach (var candidate in fromSrcset)
        {
            images.Add(resolver.Resolve(candidate), alt, title, ImageRuleName.ImgSrcset);
        }

        if (fromSrcset.Count > 0 && !rules.AllFormats)
        {
            return;
        }

        images.Add(resolver.Resolve(Src(img)), alt, title, ImageRuleName.ImgSrc);
    }

    /// <summary>
    /// Every URL an <c>img</c> or a <c>&lt;picture&gt;</c>'s <c>&lt;source&gt;</c> names for its picture, as
    /// written: <c>src</c>, <c>srcset</c> and the lazy-loading attributes, whichever a browser or a script would load.
    /// </summary>
    public static IEnumerable<string> AllCandidates(IElement element)
    {
        ArgumentNullException.ThrowIfNull(element);
        foreach (var name in (string[])["srcset", "data-srcset"])
        {
            if (element.GetAttribute(name) is { } srcset)
            {
                foreach (var candidate in SrcsetParser.Parse(srcset))
                {
                    yield return candidate.Url;
                }
            }
        }

        foreach (var name in LazySources.Append("src"))
        {
            if (element.GetAttribute(name) is { } value)
            {
                yield return value;
            }
        }
    }

    // A lazy srcset is the real one; the plain attribute then holds a placeholder or nothing.
    private static string? Srcset(IElement element) => element.GetAttribute("data-srcset") ?? element.GetAttribute("srcset");

    private static string? Src(IElement img)
    {
        foreach (var name in LazySources)
        {
            if (img.GetAttribute(name) is { } value && !string.IsNullOrWhiteSpace(value))
            {
                return value;
            }
        }

        // With only a lazy srcset, src holds the placeholder scripts replace.
        return img.HasAttribute("data-srcset") ? null : img.GetAttribute("src");
    }

    private static List<string> Candidates(string? srcset, bool all)
    {
        if (string.IsNullOrWhiteSpace(srcset))
        {
            return [];
        }

        if (all)
        {
            return [.. SrcsetParser.Parse(srcset).Select(candidate => candidate.Url)];
        }

        return SrcsetParser.Largest(srcset) is { } largest ? [largest.Url] : [];
    }
}
