using Haul.Crawling;

namespace Haul.Tests.Crawling;

public sealed class PictureLinkTests
{
    private static readonly Uri PageUrl = new("https://site.test/g/");

    private static async Task<List<string>> PicturesAsync(string html, PictureRules? rules = null)
    {
        var extractor = new PageExtractor([], PageExtractor.DefaultFollow, rules);
        var page = await extractor.ExtractAsync(html, PageUrl, TestContext.Current.CancellationToken);
        return [.. page.Images.Select(image => image.Url.PathAndQuery)];
    }

    [Fact]
    public async Task Extract_LinkToOtherFormatAroundPicture_KeepsOnlyTheLoadedCandidate()
    {
        (await PicturesAsync("<a href=\"img/1.jpg\"><picture><source type=\"image/webp\" srcset=\"img/1.webp\"><img src=\"img/1.jpg\" alt=\"One\"></picture></a>"))
            .ShouldBe(["/g/img/1.webp"]);
    }

    [Fact]
    public async Task Extract_LinkToOtherFormatOfChosenCandidateOnly_IsNotASecondPicture()
    {
        // The link's format appears nowhere inside: only its stem matches the chosen webp.
        (await PicturesAsync("<a href=\"img/2.png\"><picture><source srcset=\"img/2.webp\"><img src=\"img/2-fallback.jpg\"></picture></a>"))
            .ShouldBe(["/g/img/2.webp"]);
    }

    [Fact]
    public async Task Extract_LinkToSameUrlAsDisplayed_KeepsOne()
    {
        (await PicturesAsync("<a href=\"img/3.jpg\"><img src=\"img/3.jpg\"></a>")).ShouldBe(["/g/img/3.jpg"]);
    }

    [Fact]
    public async Task Extract_LinkToSmallerSrcsetCandidate_KeepsOnlyTheLargest()
    {
        (await PicturesAsync("<a href=\"4-400.jpg\"><img src=\"4-400.jpg\" srcset=\"4-400.jpg 400w, 4-800.jpg 800w\"></a>")).ShouldBe(["/g/4-800.jpg"]);
    }

    [Theory]
    [InlineData("<a href=\"5.JPG\"><picture><source srcset=\"5.webp\"><img src=\"5.jpg\"></picture></a>")]
    [InlineData("<a href=\"5.jpg\"><picture><source srcset=\"5.jpg.webp\"><img src=\"5.jpg\"></picture></a>")]
    [InlineData("<a href=\"5.jpeg\"><div><figure><img src=\"blank.gif\" data-src=\"5.webp\"></figure></div></a>")]
    [InlineData("<a href=\"5.avif\"><img src=\"blank.gif\" data-srcset=\"5.webp 2x\"></a>")]
    public async Task Extract_OtherFormatWrittenAnotherWay_IsNotASecondPicture(string html)
    {
        var pictures = await PicturesAsync(html);

        pictures.ShouldHaveSingleItem().ShouldStartWith("/g/5.");
        pictures[0].ShouldNotBe("/g/" + html[9..(html.IndexOf('"', 9))]);
    }

    [Theory]
    [InlineData("<a href=\"full/6.jpg\"><img src=\"thumbs/6.jpg\"></a>", "/g/full/6.jpg", "/g/thumbs/6.jpg")]
    [InlineData("<a href=\"6-large.jpg\"><img src=\"6.webp\"></a>", "/g/6-large.jpg", "/g/6.webp")]
    [InlineData("<a href=\"6.jpg?size=full\"><img src=\"6.webp\"></a>", "/g/6.jpg?size=full", "/g/6.webp")]
    [InlineData("<a href=\"6.jpg\"><img src=\"6.webp?size=small\"></a>", "/g/6.jpg", "/g/6.webp?size=small")]
    [InlineData("<a href=\"https://cdn.test/g/6.jpg\"><img src=\"6.webp\"></a>", "/g/6.jpg", "/g/6.webp")]
    [InlineData("<a href=\"6.jpg\"><img src=\"6\"></a>", "/g/6.jpg", "/g/6")]
    public async Task Extract_LinkToADifferentFile_StaysAPictureOfItsOwn(string html, string link, string img)
    {
        (await PicturesAsync(html)).ShouldBe([link, img]);
    }

    [Fact]
    public async Task Extract_TextLinkToPictureAndSamePictureElsewhere_Unchanged()
    {
        (await PicturesAsync("<a href=\"7.jpg\">full size</a><img src=\"7.webp\"><a href=\"8.jpg\"><span>8</span></a>"))
            .ShouldBe(["/g/7.jpg", "/g/7.webp", "/g/8.jpg"]);
    }

    [Fact]
    public async Task Extract_SameFileLinkedWrappedAndShownElsewhere_KeptOnce()
    {
        // The link is not a picture of its own, but the plain img further down still is one.
        (await PicturesAsync("<a href=\"9.jpg\"><picture><source srcset=\"9.webp\"><img src=\"9.jpg\"></picture></a><img src=\"9.jpg\">"))
            .ShouldBe(["/g/9.webp", "/g/9.jpg"]);
    }

    [Fact]
    public async Task Extract_LinkTitleOfSamePicture_CaptionsTheLoadedCandidate()
    {
        const string html = """
            <a href="11.jpg" title=" Barn  at dusk "><picture><source srcset="11.webp"><img src="11.jpg" alt="Barn"></picture></a>
            <a href="12.jpg" title="Link title"><img src="12.webp" title="Own title"></a>
            """;

        var page = await PageExtractor.Default.ExtractAsync(html, PageUrl, TestContext.Current.CancellationToken);

        page.Images.ShouldBe(
        [
            new PageImage(new Uri("https://site.test/g/11.webp"), "Barn", "Barn at dusk", ImageRuleName.PictureSource),
            new PageImage(new Uri("https://site.test/g/12.webp"), null, "Own title", ImageRuleName.ImgSrc),
        ]);
    }

    [Fact]
    public async Task Extract_AllFormats_KeepsTheLinkToo()
    {
        (await PicturesAsync("<a href=\"10.jpg\"><picture><source srcset=\"10.webp\"><img src=\"10.png\"></picture></a>", new PictureRules(AllFormats: true)))
            .ShouldBe(["/g/10.jpg", "/g/10.webp", "/g/10.png"]);
    }

    [Fact]
    public async Task Extract_NestedLinks_EachLooksInsideItself()
    {
        const string html = "<svg><a href=\"/o.jpg\"><a href=\"/i.jpg\"><image href=\"/i.png\"/></a></a></svg>"
            + "<svg><a href=\"/p.jpg\"><a href=\"/q.gif\"></a><foreignObject><img src=\"/p.webp\"></foreignObject></a></svg>";

        (await PicturesAsync(html)).ShouldBe(["/o.jpg", "/i.jpg", "/i.png", "/q.gif", "/p.webp"]);
    }

    [Theory]
    [InlineData("https://s.test/a/1.jpg", "https://s.test/a/1.webp", true)]
    [InlineData("https://s.test/a/1.JPG", "https://s.test/a/1.jpg", true)]
    [InlineData("https://s.test/a/1.jpg", "https://s.test/a/1.jpg.webp", true)]
    [InlineData("https://s.test/a/1.jpg?v=2", "https://s.test/a/1.png?v=2", true)]
    [InlineData("https://s.test/a/1.jpg", "https://s.test/a/1", false)]
    [InlineData("https://s.test/a/1.jpg", "https://s.test/b/1.webp", false)]
    [InlineData("https://s.test/a/1.jpg", "https://s.test/a/A.jpg", false)]
    [InlineData("https://s.test/a/1.jpg", "http://s.test/a/1.webp", false)]
    [InlineData("https://s.test/a/1.jpg", "https://s.test:8443/a/1.webp", false)]
    [InlineData("https://s.test/a/1.jpg?v=1", "https://s.test/a/1.webp?v=2", false)]
    [InlineData("https://s.test/a/1.tar.jpg", "https://s.test/a/1.webp", false)]
    public void IsSamePicture_Pairs_ComparesStems(string first, string second, bool same)
    {
        ImageUrl.IsSamePicture(new Uri(first), new Uri(second)).ShouldBe(same);
        ImageUrl.IsSamePicture(new Uri(second), new Uri(first)).ShouldBe(same);
    }
}
