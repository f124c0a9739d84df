using Haul.Crawling;

namespace Haul.Tests.Crawling;

public sealed class PageDuplicateTests
{
    private static readonly Uri PageUrl = new("https://site.test/gallery/");

    [Fact]
    public async Task ExtractAsync_SameImageSeveralTimes_ReportsItOnceWithFirstRule()
    {
        var html = """
            <a href="full/1.jpg"><img src="thumbs/1.jpg"></a>
            <img src="full/1.jpg">
            <img src="/gallery/full/1.jpg#again">
            <img src="https://site.test/gallery/full/1.jpg">
            """;

        var page = await PageExtractor.Default.ExtractAsync(html, PageUrl, TestContext.Current.CancellationToken);

        page.Images.Select(i => (i.Url.AbsoluteUri, i.Rule)).ShouldBe(
        [
            ("https://site.test/gallery/full/1.jpg", ImageRuleName.ImageLink),
            ("https://site.test/gallery/thumbs/1.jpg", ImageRuleName.ImgSrc),
        ]);
    }

    [Fact]
    public async Task ExtractAsync_DuplicateWithCaptions_KeepsFirstAndFillsMissing()
    {
        var html = """
            <a href="full/1.jpg" title="  First   title "><img src="thumbs/1.jpg"></a>
            <img src="full/1.jpg" alt="Later alt" title="Later title">
            <img src="full/1.jpg" alt="Even later alt">
            <img src="full/2.jpg" alt="Kept alt">
            <img src="full/2.jpg" alt="Ignored alt" title="Filled title">
            """;

        var page = await PageExtractor.Default.ExtractAsync(html, PageUrl, TestContext.Current.CancellationToken);

        var first = page.Images.Single(i => i.Url.AbsolutePath == "/gallery/full/1.jpg");
        first.Alt.ShouldBe("Later alt");
        first.Title.ShouldBe("First title");
        var second = page.Images.Single(i => i.Url.AbsolutePath == "/gallery/full/2.jpg");
        second.Alt.ShouldBe("Kept alt");
        second.Title.ShouldBe("Filled title");
    }

    [Fact]
    public async Task ExtractAsync_SrcEqualsLargestSrcset_ReportsOnce()
    {
        var html = "<img src=\"big.jpg\" srcset=\"small.jpg 400w, big.jpg 1600w\">";

        var page = await PageExtractor.Default.ExtractAsync(html, PageUrl, TestContext.Current.CancellationToken);

        // The largest candidate is the one picture; the src is its fallback, not a second one.
        page.Images.ShouldHaveSingleItem().Rule.ShouldBe(ImageRuleName.ImgSrcset);
    }

    [Fact]
    public async Task ExtractAsync_DuplicateLinks_ListedOnceWithoutFragments()
    {
        var html = "<a href=p2.html>2</a><a href=p2.html#top>2</a><a href=p3.html>3</a><a href=#self>s</a><a href=\"\">empty</a>";

        var page = await PageExtractor.Default.ExtractAsync(html, PageUrl, TestContext.Current.CancellationToken);

        page.Links.Select(u => u.AbsoluteUri).ShouldBe(
        [
            "https://site.test/gallery/p2.html",
            "https://site.test/gallery/p3.html",
            "https://site.test/gallery/",
        ]);
    }
}
