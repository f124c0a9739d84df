using System.Text;
using AngleSharp.Dom;
using Haul.Crawling;
using Shouldly;
using Xunit;

namespace Haul.Tests.Crawling;

public sealed class PageNestingLimitTests
{
    private static readonly Uri Page = new("http://example.org/gallery/");

    [Fact(Timeout = 120_000)]
    public async Task ExtractAsync_MegabytePageOfDivsNested100000Deep_PicturesOnBothSidesFound()
    {
        var html = "<html><body><img src=a.jpg>" + Repeat("<div>", 100_000) + "<a href=next.html><img src=b.jpg></a>" + Repeat("<div>", 100_000);
        html.Length.ShouldBeGreaterThan(1_000_000);
        var limited = new PageLimitStream(Utf8(html), null);

        var extraction = await PageExtractor.Default.ExtractAsync(Utf8(html), Page, "text/html; charset=utf-8", TestContext.Current.CancellationToken);
        await limited.CopyToAsync(Stream.Null, TestContext.Current.CancellationToken);

        limited.FlattenedTags.ShouldBeGreaterThan(199_000);

        extraction.Images.Select(i => i.Url.AbsoluteUri).ShouldBe(["http://example.org/gallery/a.jpg", "http://example.org/gallery/b.jpg"]);
        extraction.Links.Select(l => l.AbsoluteUri).ShouldBe(["http://example.org/gallery/next.html"]);
    }

    [Theory(Timeout = 120_000)]
    [InlineData("<div>")]
    [InlineData("<span><div></span>")]
    [InlineData("<li><section>")]
    [InlineData("<option><div>")]
    [InlineData("<svg><div/>")]
    [InlineData("<div/>")]
    [InlineData("<div><table><td></div>")]
    [InlineData("<i><div></i>")]
    [InlineData("<!-->")]
    [InlineData("<b>")]
    public async Task ParseAsync_HostileNesting_TreeNoDeeperThanLimit(string unit)
    {
        var html = "<html><body>" + Repeat(unit + "<div>", 20_000) + "<img src=last.jpg>";

        using var document = await PageExtractor.ParseAsync(Utf8(html), null, TestContext.Current.CancellationToken);

        // html and body, the limit, and what the parser adds on its own (tbody, tr) stay far below 20,000.
        Depth(document).ShouldBeLessThanOrEqualTo((2 * PageNestingLimiter.MaxDepth) + 4);
        document.QuerySelector("img")!.GetAttribute("src").ShouldBe("last.jpg");
    }

    [Fact]
    public void Filter_OrdinaryPage_PassedThroughByteForByte()
    {
        const string html = """
            <!DOCTYPE html><html><head><title>a <div> in a title</title>
            <style>div > p { color: red }</style>
            <script>if (a < b && "</div>" != '<p>') { x = "<span>"; }</script></head>
            <body><!-- <div><div> --><!--> <div title="a > b" data-x='<p>' hidden>
            <p>one<p>two<ul><li>x<li>y</ul><img src="a.jpg" alt="A"/><br>
            <svg><path d="M0 0"/></svg><table><tr><td>1<td>2</table><?php echo 1 ?>
            </div></body></html>
            """;
        var bytes = Encoding.UTF8.GetBytes(html);
        var output = new byte[PageNestingLimiter.OutputRoom(bytes.Length)];
        var limiter = new PageNestingLimiter();

        var written = limiter.Filter(bytes, output);

        Encoding.UTF8.GetString(output, 0, written).ShouldBe(html);
        limiter.Dropped.ShouldBe(0);
        limiter.Flattened.ShouldBe(0);
    }

    [Fact]
    public void Filter_InputSplitAnywhere_SameOutput()
    {
        var html = "<p class=\"x>y\">t</p><script>a='</scr'+'ipt>'</script>" + Repeat("<div id=a>", 600) + "<img src=z.jpg>";
        var bytes = Encoding.UTF8.GetBytes(html);
        var whole = Run(new PageNestingLimiter(), [bytes]);

        for (var size = 1; size < 40; size += 3)
        {
            Run(new PageNestingLimiter(), [.. bytes.Chunk(size)]).ShouldBe(whole, $"chunks of {size}");
        }

        whole.ShouldContain("<img src=z.jpg>");
        CountOf(whole, "<div id=a>").ShouldBe(600);
        // Past the limit each div first closes the deepest one: the parser never holds more than the limit.
        CountOf(whole, "</div>").ShouldBe(600 - PageNestingLimiter.MaxDepth);
    }

    [Fact]
    public async Task ParseAsync_PageOverTheSizeLimit_ReadToTheLimitOnly()
    {
        var filler = Repeat("<p>filler text</p>", (int)(PageLimitStream.MaxPageBytes / 18) + 1000);
        var html = "<img src=first.jpg>" + filler + "<img src=after-the-limit.jpg>";
        var limited = new PageLimitStream(Utf8(html), null);

        using var copy = new MemoryStream();
        await limited.CopyToAsync(copy, TestContext.Current.CancellationToken);
        var extraction = await PageExtractor.Default.ExtractAsync(Utf8(html), Page, null, TestContext.Current.CancellationToken);

        limited.Truncated.ShouldBeTrue();
        copy.Length.ShouldBe(PageLimitStream.MaxPageBytes);
        extraction.Images.Select(i => i.Url.AbsoluteUri).ShouldBe(["http://example.org/gallery/first.jpg"]);
    }

    [Theory(Timeout = 120_000)]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ExtractAsync_Utf16PageNestedDeep_LimitedAndPicturesFound(bool byteOrderMark)
    {
        var html = "<html><body><img src=\"caf\u00e9.jpg\">" + Repeat("<div>", 20_000) + "<img src=b.jpg>";
        var encoding = new UnicodeEncoding(bigEndian: false, byteOrderMark: byteOrderMark);
        byte[] bytes = [.. encoding.GetPreamble(), .. encoding.GetBytes(html)];

        using var document = await PageExtractor.ParseAsync(new MemoryStream(bytes), byteOrderMark ? null : "text/html; charset=utf-16le", TestContext.Current.CancellationToken);
        var extraction = PageExtractor.Default.Extract(document, Page);

        Depth(document).ShouldBeLessThanOrEqualTo(PageNestingLimiter.MaxDepth + 4);
        extraction.Images.Select(i => i.Url.AbsoluteUri).ShouldBe(["http://example.org/gallery/caf%C3%A9.jpg", "http://example.org/gallery/b.jpg"]);
    }

    private static string Run(PageNestingLimiter limiter, byte[][] chunks)
    {
        var result = new List<byte>();
        foreach (var chunk in chunks)
        {
            var output = new byte[PageNestingLimiter.OutputRoom(chunk.Length)];
            result.AddRange(output.AsSpan(0, limiter.Filter(chunk, output)).ToArray());
        }

        return Encoding.UTF8.GetString([.. result]);
    }

    private static int CountOf(string text, string part)
    {
        var count = 0;
        for (var at = text.IndexOf(part, StringComparison.Ordinal); at >= 0; at = text.IndexOf(part, at + 1, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static int Depth(IDocument document)
    {
        // Deepest first: the last element in document order sits under every open one.
        var deepest = 0;
        foreach (var element in document.All)
        {
            var depth = 0;
            for (var node = element; node is not null; node = node.ParentElement)
            {
                depth++;
            }

            deepest = Math.Max(deepest, depth);
            if (deepest > 5000)
            {
                break;
            }
        }

        return deepest;
    }

    private static string Repeat(string unit, int times) => new StringBuilder(unit.Length * times).Insert(0, unit, times).ToString();

    private static MemoryStream Utf8(string html) => new(Encoding.UTF8.GetBytes(html));
}
