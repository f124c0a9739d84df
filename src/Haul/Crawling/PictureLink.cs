using AngleSharp.Dom;

namespace Haul.Crawling;

/// <summary>
/// Whether an <c>a[href]</c> to a picture is a picture of its own. Galleries wrap a thumbnail in a link to the
/// full-size file, which is a second picture; but a link around a <c>&lt;picture&gt;</c> that points at the
/// same photo in another format (<c>&lt;a href=1.jpg&gt;</c> around <c>1.webp</c>) is the one picture a browser
/// already loads, and fetching it too would save the photo twice.
/// </summary>
internal static class PictureLink
{
    /// <summary>
    /// The first <c>img</c> or <c>&lt;picture&gt;</c> inside <paramref name="link"/> with a candidate that is
    /// <paramref name="target"/> itself or the same picture in another format (<see cref="ImageUrl.IsSamePicture"/>);
    /// null when the link is a picture of its own.
    /// </summary>
    /// <remarks>
    /// The walk does not enter a nested link to a picture: that link looks inside itself, so each element is
    /// looked at once however the links nest (nested SVG <c>&lt;a&gt;</c>s can go 512 deep).
    /// </remarks>
    public static IElement? WrappedSamePicture(IElement link, Uri target, PageUrlResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(link);
        ArgumentNullException.ThrowIfNull(target);
        ArgumentNullException.ThrowIfNull(resolver);
        var element = link.FirstElementChild;
        while (element is not null)
        {
            if (Names(element, target, resolver))
            {
                return element.ParentElement is { LocalName: "picture" } picture ? picture : element;
            }

            var enter = element.FirstElementChild is not null && !IsPictureLink(element, resolver);
            element = enter ? element.FirstElementChild : Next(element, link);
        }

        return null;
    }

    private static bool Names(IElement element, Uri target, PageUrlResolver resolver)
    {
        var isCandidateHolder = element.LocalName == "img"
            || (element.LocalName == "source" && element.ParentElement is { LocalName: "picture" });
        return isCandidateHolder && PictureChoice.AllCandidates(element)
            .Select(resolver.Resolve)
            .Any(candidate => candidate is not null && ImageUrl.IsSamePicture(candidate, target));
    }

    private static bool IsPictureLink(IElement element, PageUrlResolver resolver) =>
        element.LocalName == "a" && resolver.Resolve(element.GetAttribute("href")) is { } href && ImageUrl.HasImageExtension(href);

    // The next element in document order after element's subtree, without leaving root.
    private static IElement? Next(IElement element, IElement root)
    {
        for (var current = element; current != root; current = current.ParentElement!)
        {
            if (current.NextElementSibling is { } sibling)
            {
                return sibling;
            }
        }

        return null;
    }
}
