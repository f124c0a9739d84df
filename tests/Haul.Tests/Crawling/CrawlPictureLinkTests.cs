using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Crawling;

public sealed class CrawlPictureLinkTests
{
    // A wedding-site gallery: each <picture> (WebP source + JPEG img) inside a link to the JPEG, next to
    // a thumbnail gallery whose links go to other, full-size files.
    private const string Page = """
        <!doctype html><html><body>
        <a href="img/barn/1.jpg"><picture><source type="image/webp" srcset="img/barn/1.webp"><img src="img/barn/1.jpg" alt="One"></picture></a>
        <a href="img/barn/2.JPG"><picture><source type="image/webp" srcset="img/barn/2.webp"><img src="img/barn/2.JPG" alt="Two"></picture></a>
        <a href="img/barn/3.jpg"><picture><source type="image/webp" srcset="img/barn/3.webp"><img src="img/barn/3.jpg"></picture></a>
        <a href="full/4.jpg"><img src="thumbs/4.jpg"></a>
        <a href="img/5-large.jpg"><img src="img/5.jpg"></a>
        <a href="img/6.jpg">the same photo, as a text link</a>
        </body></html>
        """;

    private static readonly string[] Displayed = ["/img/barn/1.webp", "/img/barn/2.webp", "/img/barn/3.webp", "/full/4.jpg", "/thumbs/4.jpg", "/img/5-large.jpg", "/img/5.jpg", "/img/6.jpg"];

    private static readonly string[] OtherFormats = ["/img/barn/1.jpg", "/img/barn/2.JPG", "/img/barn/3.jpg"];

    [Fact]
    public async Task Crawl_LinkToSamePictureInAnotherFormat_SavesOnlyTheLoadedOne()
    {
        await using var site = await StartAsync();
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", site.Server.Url("/"), "-d", temp.Out, "-q");

        run.ExitCode.ShouldBe(0, run.Error);
        AssertSaved(site, temp, Displayed);
        foreach (var path in OtherFormats)
        {
            site.Server.Hits(path).ShouldBe(0, path);
        }

        foreach (var path in Displayed)
        {
            site.Server.Hits(path).ShouldBe(1, path);
        }
    }

    [Fact]
    public async Task Crawl_LinkToOtherFormatWithAllFormats_SavesBoth()
    {
        await using var site = await StartAsync();
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", site.Server.Url("/"), "-d", temp.Out, "--all-formats", "-q");

        run.ExitCode.ShouldBe(0, run.Error);
        AssertSaved(site, temp, [.. Displayed, .. OtherFormats]);
    }

    private static async Task<Site> StartAsync()
    {
        var site = new Site(await LoopbackServer.StartAsync());
        site.Server.Map("/", (context, _) =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync(Page);
        });
        var seed = 7300;
        foreach (var path in Displayed.Concat(OtherFormats))
        {
            var content = TestData.Bytes(1800 + (seed % 5 * 100), seed++);
            site.Pictures[path] = content;
            site.Server.Map(path, (context, _) =>
            {
                context.Response.ContentType = path.EndsWith(".webp", StringComparison.Ordinal) ? "image/webp" : "image/jpeg";
                return site.Server.ServeAsync(context, content);
            });
        }

        return site;
    }

    private static void AssertSaved(Site site, TempDirectory temp, IEnumerable<string> paths)
    {
        var host = $"127.0.0.1_{site.Server.BaseUri.Port}";
        var expected = paths.Select(path => Path.Combine("out", host + path.Replace('/', Path.DirectorySeparatorChar))).Order(StringComparer.Ordinal).ToList();
        temp.AllFiles().ShouldBe(expected);
        foreach (var path in paths)
        {
            TestData.FileSha256(Path.Combine(temp.Out, host + path)).ShouldBe(TestData.Sha256(site.Pictures[path]), path);
        }
    }

    private sealed class Site(LoopbackServer server) : IAsyncDisposable
    {
        public LoopbackServer Server { get; } = server;

        public Dictionary<string, byte[]> Pictures { get; } = new(StringComparer.Ordinal);

        public ValueTask DisposeAsync() => Server.DisposeAsync();
    }
}
