using Haul.Crawling;

namespace Haul.Tests.Crawling;

public sealed class PictureChoiceTests
{
    private static readonly Uri PageUrl = new("https://site.test/g/");

    private static async Task<List<string>> PicturesAsync(string html, PictureRules? rules = null)
    {
        var extractor = new PageExtractor([], PageExtractor.DefaultFollow, rules);
        var page = await extractor.ExtractAsync(html, PageUrl, TestContext.Current.CancellationToken);
        return [.. page.Images.Select(image => image.Url.AbsolutePath)];
    }

    [Fact]
    public async Task Extract_NoscriptInHead_ReadsItsImage()
    {
        (await PicturesAsync("<html><head><noscript><img src=\"/head.jpg\"></noscript></head><body></body></html>")).ShouldBe(["/head.jpg"]);
    }

    [Fact]
    public async Task Extract_SourceWithoutType_IsKept()
    {
        (await PicturesAsync("<picture><source media=\"(min-width: 800px)\" srcset=\"wide.jpg 1600w, mid.jpg 800w\"><img src=\"small.jpg\"></picture>"))
            .ShouldBe(["/g/wide.jpg"]);
    }

    [Fact]
    public async Task Extract_LazySourceInPicture_UsesDataSrcset()
    {
        (await PicturesAsync("<picture><source type=\"image/webp\" srcset=\"blank.webp\" data-srcset=\"real.webp 2x\"><img src=\"blank.gif\" data-src=\"real.jpg\"></picture>"))
            .ShouldBe(["/g/real.webp"]);
    }

    [Theory]
    [InlineData("data-lazy-src")]
    [InlineData("data-original")]
    public async Task Extract_LazySourceAttribute_WinsOverPlaceholder(string attribute)
    {
        (await PicturesAsync($"<img src=\"blank.gif\" {attribute}=\"real.jpg\">")).ShouldBe(["/g/real.jpg"]);
    }

    [Fact]
    public async Task Extract_RejectedSourceType_FallsToTheNextSource()
    {
        var rules = new PictureRules(Reject: new HashSet<string> { "avif" });

        (await PicturesAsync("<picture><source type=\"image/avif\" srcset=\"a.avif\"><source type=\"image/jxl\" srcset=\"a.jxl\"><img src=\"a.jpg\"></picture>", rules))
            .ShouldBe(["/g/a.jxl"]);
    }

    [Fact]
    public async Task Extract_AllFormats_KeepsEveryCandidateButNotPlaceholders()
    {
        var rules = new PictureRules(AllFormats: true);

        (await PicturesAsync("<picture><source type=\"image/webp\" srcset=\"a-1.webp 1x, a-2.webp 2x\"><img src=\"a.jpg\" srcset=\"a-2.jpg 2x\"></picture><img src=\"blank.gif\" data-srcset=\"b-1.jpg 1x, b-2.jpg 2x\">", rules))
            .ShouldBe(["/g/a-1.webp", "/g/a-2.webp", "/g/a-2.jpg", "/g/a.jpg", "/g/b-1.jpg", "/g/b-2.jpg"]);
    }

    [Fact]
    public async Task Extract_IconsOnlyWhenAsked()
    {
        const string html = "<link rel=\"shortcut icon\" href=\"/favicon.ico\"><link rel=\"apple-touch-icon-precomposed\" href=\"/touch.png\"><link rel=\"preload\" href=\"/font.woff2\">";

        (await PicturesAsync(html)).ShouldBeEmpty();
        (await PicturesAsync(html, new PictureRules(Icons: true))).ShouldBe(["/favicon.ico", "/touch.png"]);
    }

    [Fact]
    public async Task Extract_StyleBlockAndLinkedSheets_ListedForTheVisitor()
    {
        var extractor = new PageExtractor([]);

        var page = await extractor.ExtractAsync(
            "<link rel=stylesheet href=a.css><link rel=\"alternate stylesheet\" href=b.css><style>@import 'c.css'; p{background:url(p.png)}</style><link rel=stylesheet href=a.css>",
            PageUrl,
            TestContext.Current.CancellationToken);

        page.Stylesheets.Select(sheet => sheet.AbsolutePath).ShouldBe(["/g/a.css", "/g/c.css"]);
        page.Images.ShouldHaveSingleItem().Url.AbsolutePath.ShouldBe("/g/p.png");
    }
}
