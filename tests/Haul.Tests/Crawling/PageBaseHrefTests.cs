using Haul.Crawling;

namespace Haul.Tests.Crawling;

public sealed class PageBaseHrefTests
{
    private static readonly Uri PageUrl = new("https://site.test/a/b/page.html");

    private static Task<PageExtraction> ExtractAsync(string html) =>
        PageExtractor.Default.ExtractAsync(html, PageUrl, TestContext.Current.CancellationToken);

    [Fact]
    public async Task ExtractAsync_NoBase_ResolvesAgainstPageUrl()
    {
        var page = await ExtractAsync("<img src=x.jpg><img src=../y.jpg><img src=/z.jpg><img src=?q=1>");

        page.Images.Select(i => i.Url.AbsoluteUri).ShouldBe(
        [
            "https://site.test/a/b/x.jpg",
            "https://site.test/a/y.jpg",
            "https://site.test/z.jpg",
            "https://site.test/a/b/page.html?q=1",
        ]);
    }

    [Fact]
    public async Task ExtractAsync_RelativeBase_IsResolvedAgainstPageUrl()
    {
        var page = await ExtractAsync("<base href=\"../media/\"><img src=x.jpg><a href=next.html>n</a>");

        page.BaseUrl.AbsoluteUri.ShouldBe("https://site.test/a/media/");
        page.Images.Single().Url.AbsoluteUri.ShouldBe("https://site.test/a/media/x.jpg");
        page.Links.Single().AbsoluteUri.ShouldBe("https://site.test/a/media/next.html");
    }

    [Fact]
    public async Task ExtractAsync_AbsoluteBase_MovesResolutionToAnotherHost()
    {
        var page = await ExtractAsync("<base href=\"https://cdn.test/static/\"><img src=x.jpg><img src=/root.jpg>");

        page.Images.Select(i => i.Url.AbsoluteUri).ShouldBe(["https://cdn.test/static/x.jpg", "https://cdn.test/root.jpg"]);
    }

    [Fact]
    public async Task ExtractAsync_SeveralBases_OnlyTheFirstWithHrefCounts()
    {
        var html = """
            <head><base target="_blank"><base href="/first/"><base href="/second/"></head>
            <body><base href="https://late.test/"><img src=x.jpg></body>
            """;

        var page = await ExtractAsync(html);

        page.Images.Single().Url.AbsoluteUri.ShouldBe("https://site.test/first/x.jpg");
    }

    [Fact]
    public async Task ExtractAsync_BaseAfterImagesInSource_StillAppliesToThem()
    {
        var page = await ExtractAsync("<img src=x.jpg><base href=/late/>");

        page.Images.Single().Url.AbsoluteUri.ShouldBe("https://site.test/late/x.jpg");
    }

    [Theory]
    [InlineData("javascript:void(0)")]
    [InlineData("data:text/html,x")]
    [InlineData("   ")]
    public async Task ExtractAsync_UnusableBase_FallsBackToPageUrl(string href)
    {
        var page = await ExtractAsync($"<base href=\"{href}\"><img src=x.jpg>");

        page.BaseUrl.ShouldBe(PageUrl);
        page.Images.Single().Url.AbsoluteUri.ShouldBe("https://site.test/a/b/x.jpg");
    }
}
