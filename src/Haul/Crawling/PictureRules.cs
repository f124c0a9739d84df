namespace Haul.Crawling;

/// <summary>How the default rules choose among a picture's candidates, and which extras they read.</summary>
/// <param name="AllFormats">Keep every <c>&lt;picture&gt;</c> source, <c>srcset</c> and <c>image-set()</c> candidate, not only the one a browser would load.</param>
/// <param name="Icons">Read <c>link rel=icon</c> and <c>apple-touch-icon</c>.</param>
/// <param name="Accept">The crawl's <c>--accept</c> types, which a <c>&lt;source type&gt;</c> must pass.</param>
/// <param name="Reject">The crawl's <c>--reject</c> types.</param>
internal sealed record PictureRules(
    bool AllFormats = false,
    bool Icons = false,
    IReadOnlySet<string>? Accept = null,
    IReadOnlySet<string>? Reject = null)
{
    public static PictureRules Default { get; } = new();

    public static PictureRules From(CrawlOptions options) => new(options.AllFormats, options.Icons, options.Accept, options.Reject);
}
