using Haul.Crawling;

namespace Haul.Tests.Crawling;

public sealed class PageCustomRuleTests
{
    private static readonly Uri PageUrl = new("https://site.test/album/");

    private const string Page = """
        <meta property="og:image" content="/cover.jpg">
        <nav><a class="next" href="page2.html">next</a><a href="elsewhere.html">elsewhere</a></nav>
        <div class="tile">
          <a class="full" href="originals/1.tif" title="Original one"><img class="photo" src="t/1.jpg" data-src="lazy/1.jpg" alt="One"></a>
        </div>
        <div class="tile">
          <a class="full" href="originals/2.tif"><img class="photo" src="t/2.jpg" data-src="lazy/2.jpg" data-srcset="lazy/2.jpg 1x, lazy/2@3x.jpg 3x" alt="Two"></a>
        </div>
        <img class="photo" src="t/3.jpg">
        """;

    private static Task<PageExtraction> ExtractAsync(PageExtractor extractor) =>
        extractor.ExtractAsync(Page, PageUrl, TestContext.Current.CancellationToken);

    [Fact]
    public async Task ExtractAsync_CustomSelect_ReplacesDefaultRules()
    {
        var page = await ExtractAsync(PageExtractor.Create(["a.full@href"]));

        page.Images.ShouldBe(
        [
            new PageImage(new Uri("https://site.test/album/originals/1.tif"), "One", "Original one", "a.full@href"),
            new PageImage(new Uri("https://site.test/album/originals/2.tif"), "Two", null, "a.full@href"),
        ]);
    }

    [Fact]
    public async Task ExtractAsync_SeveralCustomRules_AppliedInOrderAndMerged()
    {
        var page = await ExtractAsync(PageExtractor.Create(["img.photo@data-src", "img.photo", "a.full@href"]));

        page.Images.Select(i => (i.Url.AbsolutePath, i.Rule)).ShouldBe(
        [
            ("/album/lazy/1.jpg", "img.photo@data-src"),
            ("/album/lazy/2.jpg", "img.photo@data-src"),
            ("/album/t/1.jpg", "img.photo"),
            ("/album/t/2.jpg", "img.photo"),
            ("/album/t/3.jpg", "img.photo"),
            ("/album/originals/1.tif", "a.full@href"),
            ("/album/originals/2.tif", "a.full@href"),
        ]);
    }

    [Fact]
    public async Task ExtractAsync_CustomRuleOnSrcsetAttribute_TakesLargestCandidate()
    {
        var page = await ExtractAsync(PageExtractor.Create(["img@data-srcset"]));

        page.Images.ShouldHaveSingleItem().Url.AbsolutePath.ShouldBe("/album/lazy/2@3x.jpg");
    }

    [Fact]
    public async Task ExtractAsync_CustomRuleWithoutAttribute_ReadsElementDefault()
    {
        var page = await ExtractAsync(PageExtractor.Create(["meta"]));

        page.Images.ShouldHaveSingleItem().Url.AbsoluteUri.ShouldBe("https://site.test/cover.jpg");
    }

    [Fact]
    public async Task ExtractAsync_CustomFollow_OnlyThoseLinks()
    {
        var page = await ExtractAsync(PageExtractor.Create([], "nav a.next"));

        page.Links.ShouldBe([new Uri("https://site.test/album/page2.html")]);
        page.Images.ShouldNotBeEmpty();
    }

    [Fact]
    public async Task ExtractAsync_DefaultFollow_EveryAnchorWithHref()
    {
        var page = await ExtractAsync(PageExtractor.Default);

        page.Links.Select(u => u.AbsolutePath).ShouldBe(
            ["/album/page2.html", "/album/elsewhere.html", "/album/originals/1.tif", "/album/originals/2.tif"]);
    }

    [Fact]
    public void Create_InvalidSelectRule_ThrowsArgumentException()
    {
        var error = Should.Throw<ArgumentException>(() => PageExtractor.Create(["a.full@href", "img[data-src@data-src"]));

        error.Message.ShouldContain("img[data-src@data-src");
    }

    [Fact]
    public void Create_InvalidFollow_ThrowsArgumentException()
    {
        var error = Should.Throw<ArgumentException>(() => PageExtractor.Create([], "a[href"));

        error.ParamName.ShouldBe("follow");
        error.Message.ShouldContain("a[href");
    }

    [Fact]
    public void Create_NoRules_UsesDefaults()
    {
        var extractor = PageExtractor.Create([]);

        extractor.ImageRules.ShouldBeEmpty();
        extractor.Follow.ShouldBe(PageExtractor.DefaultFollow);
    }
}
