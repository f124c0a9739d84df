using System.Text;
using Haul.Crawling;

namespace Haul.Tests.Crawling;

public sealed class PageExtractorTests
{
    private static readonly Uri PageUrl = new("https://gallery.test/albums/cats/index.html?page=2");

    private const string Gallery = """
        <!doctype html>
        <html>
        <head>
          <meta property="og:image" content=" /covers/cats.jpg ">
          <meta property="og:title" content="not an image">
        </head>
        <body>
          <img src="thumbs/1.jpg" alt="  A   ginger
              cat " title="One">
          <img src="thumbs/2.jpg" srcset="thumbs/2.jpg 1x, full/2@2x.jpg 2x">
          <img src="thumbs/3.jpg" srcset="full/3.jpg 300w, full/3-big.jpg 1200w, full/3-mid.jpg 800w" alt="Three">
          <img srcset="full/4.jpg">
          <picture>
            <source srcset="full/5.avif 640w, full/5-big.avif 1600w" type="image/avif">
            <source srcset="full/5.webp 2x" type="image/webp">
            <img src="thumbs/5.jpg" alt="Five" title="Fifth">
          </picture>
          <a href="full/6.PNG?size=large#zoom"><img src="thumbs/6.jpg" alt="Six"></a>
          <a href="about.html">About</a>
          <a href="/download.php?file=7.jpg">not by extension</a>
          <div style="background: url(bg/8.jpg) no-repeat, URL( 'bg/9.gif' ); mask-image:url(&quot;bg/10.svg&quot;)" title="Backdrop"></div>
          <span style="color: red"></span>
          <img src="data:image/png;base64,iVBORw0KGgo=" alt="inline">
          <img src="javascript:alert(1)">
          <a href="mailto:cats@gallery.test">mail</a>
          <img src="   ">
        </body>
        </html>
        """;

    private static string Abs(string path) => new Uri(PageUrl, path).AbsoluteUri;

    [Fact]
    public async Task ExtractAsync_GalleryWithDefaultRules_FindsEveryKindOfPicture()
    {
        var page = await PageExtractor.Default.ExtractAsync(Gallery, PageUrl, TestContext.Current.CancellationToken);

        page.Images.Select(i => (i.Url.AbsoluteUri, i.Rule)).ShouldBe(
        [
            (Abs("/covers/cats.jpg"), ImageRuleName.OpenGraph),
            (Abs("thumbs/1.jpg"), ImageRuleName.ImgSrc),
            (Abs("full/2@2x.jpg"), ImageRuleName.ImgSrcset),
            (Abs("full/3-big.jpg"), ImageRuleName.ImgSrcset),
            (Abs("full/4.jpg"), ImageRuleName.ImgSrcset),
            (Abs("full/5-big.avif"), ImageRuleName.PictureSource),
            (Abs("full/6.PNG?size=large"), ImageRuleName.ImageLink),
            (Abs("thumbs/6.jpg"), ImageRuleName.ImgSrc),
            (Abs("bg/8.jpg"), ImageRuleName.InlineStyle),
            (Abs("bg/9.gif"), ImageRuleName.InlineStyle),
            (Abs("bg/10.svg"), ImageRuleName.InlineStyle),
        ]);
    }

    [Fact]
    public async Task ExtractAsync_GalleryWithDefaultRules_CarriesCaptions()
    {
        var page = await PageExtractor.Default.ExtractAsync(Gallery, PageUrl, TestContext.Current.CancellationToken);
        PageImage Find(string path) => page.Images.Single(i => i.Url.AbsoluteUri == Abs(path));

        Find("thumbs/1.jpg").ShouldBe(new PageImage(new Uri(Abs("thumbs/1.jpg")), "A ginger cat", "One", ImageRuleName.ImgSrc));
        Find("full/3-big.jpg").Alt.ShouldBe("Three");
        Find("full/5-big.avif").Alt.ShouldBe("Five");
        Find("full/5-big.avif").Title.ShouldBe("Fifth");
        Find("full/6.PNG?size=large").Alt.ShouldBe("Six");
        Find("bg/9.gif").Title.ShouldBe("Backdrop");
        Find("full/2@2x.jpg").Alt.ShouldBeNull();
        Find("/covers/cats.jpg").Title.ShouldBeNull();
    }

    [Fact]
    public async Task ExtractAsync_GalleryWithDefaultRules_FollowsHttpLinksWithoutFragments()
    {
        var page = await PageExtractor.Default.ExtractAsync(Gallery, PageUrl, TestContext.Current.CancellationToken);

        page.Links.Select(u => u.AbsoluteUri).ShouldBe(
        [
            Abs("full/6.PNG?size=large"),
            Abs("about.html"),
            Abs("/download.php?file=7.jpg"),
        ]);
        page.BaseUrl.ShouldBe(PageUrl);
    }

    [Theory]
    [InlineData("data:image/gif;base64,R0lGODlhAQABAAAAACw=")]
    [InlineData("javascript:void(0)")]
    [InlineData("mailto:a@b.test")]
    [InlineData("ftp://files.test/a.jpg")]
    [InlineData("file:///etc/a.jpg")]
    [InlineData("http://[broken")]
    public async Task ExtractAsync_NonHttpOrBadUrl_IsIgnoredEverywhere(string url)
    {
        var html = $"""
            <meta property="og:image" content="{url}">
            <img src="{url}" srcset="{url} 2x"><a href="{url}">x</a>
            <picture><source srcset="{url}"></picture>
            <div style="background:url('{url}')"></div>
            """;

        var page = await PageExtractor.Default.ExtractAsync(html, PageUrl, TestContext.Current.CancellationToken);

        page.Images.ShouldBeEmpty();
        page.Links.ShouldBeEmpty();
    }

    [Fact]
    public async Task ExtractAsync_WhitespaceAndNewlinesInAttributes_AreStripped()
    {
        var html = "<img src=\"\n\t /pics/a\nb.jpg  \"><a href=\"  next.html \">n</a>";

        var page = await PageExtractor.Default.ExtractAsync(html, PageUrl, TestContext.Current.CancellationToken);

        page.Images.Single().Url.AbsoluteUri.ShouldBe("https://gallery.test/pics/ab.jpg");
        page.Links.Single().AbsoluteUri.ShouldBe(Abs("next.html"));
    }

    [Fact]
    public async Task ExtractAsync_ProtocolRelativeAndAbsoluteUrls_KeepTheirHosts()
    {
        var html = "<img src=\"//cdn.test/a.jpg\"><img src=\"http://other.test/b.jpg\">";

        var page = await PageExtractor.Default.ExtractAsync(html, PageUrl, TestContext.Current.CancellationToken);

        page.Images.Select(i => i.Url.AbsoluteUri).ShouldBe(["https://cdn.test/a.jpg", "http://other.test/b.jpg"]);
    }

    [Fact]
    public async Task ExtractAsync_StreamWithCharsetInContentType_DecodesCaptions()
    {
        var bytes = Encoding.Latin1.GetBytes("<img src=\"caf\u00e9.jpg\" alt=\"Caf\u00e9 cr\u00e8me\">");
        using var stream = new MemoryStream(bytes);

        var page = await PageExtractor.Default.ExtractAsync(stream, PageUrl, "text/html; charset=iso-8859-1", TestContext.Current.CancellationToken);

        var image = page.Images.Single();
        image.Alt.ShouldBe("Caf\u00e9 cr\u00e8me");
        image.Url.AbsoluteUri.ShouldBe(Abs("caf%C3%A9.jpg"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("utf-8")]
    [InlineData("text/html")]
    [InlineData("no-such-charset")]
    public async Task ExtractAsync_StreamWithUtf8_DecodesWhateverTheContentTypeSays(string? contentType)
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("<meta charset=utf-8><img src=a.jpg alt=\"\u732b \u2014 \u00e9t\u00e9\">"));

        var page = await PageExtractor.Default.ExtractAsync(stream, PageUrl, contentType, TestContext.Current.CancellationToken);

        page.Images.Single().Alt.ShouldBe("\u732b \u2014 \u00e9t\u00e9");
    }

    [Fact]
    public async Task ExtractAsync_CanceledBeforeParsing_Throws()
    {
        using var stream = new MemoryStream(Encoding.UTF8.GetBytes("<img src=a.jpg>"));

        await Should.ThrowAsync<OperationCanceledException>(
            () => PageExtractor.Default.ExtractAsync(stream, PageUrl, null, new CancellationToken(canceled: true)));
    }
}
