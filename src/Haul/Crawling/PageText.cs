using System.Text;
using AngleSharp.Dom;

namespace Haul.Crawling;

/// <summary>Caption text for a picture: its alt and title, from the element or the image it wraps.</summary>
internal static class PageText
{
    /// <summary>The alt of an img, of the img a link or other element wraps, or of a picture's img for its sources.</summary>
    public static string? Alt(IElement element) => Normalize(CaptionSource(element)?.GetAttribute("alt"));

    /// <summary>The element's own title, else that of the image it stands for.</summary>
    public static string? Title(IElement element) =>
        Normalize(element.GetAttribute("title")) ?? Normalize(CaptionSource(element)?.GetAttribute("title"));

    /// <summary>Trims and collapses whitespace runs into one space; blank becomes null.</summary>
    public static string? Normalize(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(c);
        }

        return builder.ToString();
    }

    private static IElement? CaptionSource(IElement element) => element.LocalName switch
    {
        "img" => element,
        "source" when element.ParentElement is { LocalName: "picture" } picture => picture.QuerySelector("img"),
        _ => element.QuerySelector("img"),
    };
}
