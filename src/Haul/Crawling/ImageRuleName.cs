namespace Haul.Crawling;

/// <summary>The names <see cref="PageImage.Rule"/> carries for the default rules; a custom rule is named by its own text.</summary>
internal static class ImageRuleName
{
    public const string ImgSrc = "img[src]";
    public const string ImgSrcset = "img[srcset]";
    public const string PictureSource = "picture > source[srcset]";
    public const string ImageLink = "a[href]";
    public const string OpenGraph = "meta[property=og:image]";
    public const string InlineStyle = "style url()";
    public const string StyleBlock = "<style> url()";
    public const string Stylesheet = "stylesheet url()";
    public const string LazyBackground = "[data-bg]";
    public const string VideoPoster = "video[poster]";
    public const string SvgImage = "svg image[href]";
    public const string Icon = "link[rel=icon]";
}
