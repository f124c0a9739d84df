using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Crawling;

public sealed class CrawlPictureSiteTests
{
    [Fact]
    public async Task Crawl_EveryWayAPageShowsAPicture_SavesEachVisiblePictureOnce()
    {
        await using var site = await PictureSite.StartAsync();
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", site.Server.Url("/"), "-d", temp.Out, "--depth", "1", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        AssertSaved(site, temp, PictureSite.Visible);
        foreach (var path in PictureSite.Visible.Concat(PictureSite.Stylesheets))
        {
            site.Server.Hits(path).ShouldBe(1, path);
        }

        foreach (var path in PictureSite.OtherCandidates.Concat(PictureSite.Icons)
            .Concat(["/img/placeholder.gif", "/img/p.xyz", "/fonts/f.woff2", "/img/not-a-url.png", "/img/commented.jpg", "/css/alternate.css", "/img/alternate.jpg"]))
        {
            site.Server.Hits(path).ShouldBe(0, path);
        }

        // A stylesheet is read, never kept as a picture.
        run.JsonLines.Select(line => line.GetProperty("url").GetString()).ShouldAllBe(url => !url!.EndsWith(".css", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Crawl_AllFormatsAndIcons_KeepsEveryCandidateAndTheIcons()
    {
        await using var site = await PictureSite.StartAsync();
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", site.Server.Url("/"), "-d", temp.Out, "--depth", "1", "--all-formats", "--icons", "-q");

        run.ExitCode.ShouldBe(0, run.Error);
        AssertSaved(site, temp, [.. PictureSite.Visible, .. PictureSite.OtherCandidates, .. PictureSite.Icons]);
        foreach (var path in PictureSite.Stylesheets)
        {
            site.Server.Hits(path).ShouldBe(1, path);
        }
    }

    [Fact]
    public async Task Crawl_AcceptJpgOnly_PictureFallsBackToItsImg()
    {
        await using var site = await PictureSite.StartAsync();
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", site.Server.Url("/"), "-d", temp.Out, "--accept", "jpg", "-q");

        run.ExitCode.ShouldBe(0, run.Error);
        site.Server.Hits("/img/p.jpg").ShouldBe(1);
        site.Server.Hits("/img/p-1280.webp").ShouldBe(0);
        site.Server.Hits("/img/p.avif").ShouldBe(0);
        TestData.FileSha256(Path.Combine(temp.Out, site.HostFolder, "img", "p.jpg")).ShouldBe(TestData.Sha256(site.Pictures["/img/p.jpg"]));
    }

    [Fact]
    public async Task Crawl_StylesheetWithThousandsOfImports_FetchesOnlyTheFirstFew()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/", (context, _) =>
        {
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync("<link rel=stylesheet href=/trap.css>");
        });
        server.Map("/trap.css", (context, _) =>
        {
            context.Response.ContentType = "text/css";
            return context.Response.WriteAsync(string.Concat(Enumerable.Range(0, 2000).Select(i => $"@import \"/i{i}.css\";\n")));
        });
        for (var i = 0; i < 2000; i++)
        {
            server.Map($"/i{i}.css", (context, _) =>
            {
                context.Response.ContentType = "text/css";
                return context.Response.WriteAsync("a{}");
            });
        }

        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/"), "-d", temp.Out, "-q");

        run.ExitCode.ShouldBe(0, run.Error);
        server.Requests.Count(request => request.Path.StartsWith("/i", StringComparison.Ordinal)).ShouldBe(32);
    }

    [Fact]
    public async Task Crawl_StylesheetConnectionDropped_PagesStillGiveTheirOtherPictures()
    {
        await using var server = await LoopbackServer.StartAsync();
        var picture = TestData.Bytes(2500, seed: 7100);
        foreach (var (page, image) in new[] { ("/", "one.jpg"), ("/2.html", "two.jpg") })
        {
            server.Map(page, (context, _) =>
            {
                context.Response.ContentType = "text/html";
                return context.Response.WriteAsync($"<link rel=stylesheet href=/broken.css><img src=/{image}><a href=/2.html>2</a>");
            });
            server.Map("/" + image, (context, _) =>
            {
                context.Response.ContentType = "image/jpeg";
                return server.ServeAsync(context, picture);
            });
        }

        // Headers, then the connection drops mid-body.
        server.Map("/broken.css", async (context, _) =>
        {
            context.Response.ContentType = "text/css";
            context.Response.ContentLength = 10_000;
            await context.Response.WriteAsync("body { background: url(/never.png) }");
            await context.Response.Body.FlushAsync();
            context.Abort();
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/"), "-d", temp.Out, "--depth", "1", "--layout", "flat", "-q", "--retries", "1");

        run.ExitCode.ShouldBe(0, run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "one.jpg")).ShouldBe(TestData.Sha256(picture));
        TestData.FileSha256(Path.Combine(temp.Out, "two.jpg")).ShouldBe(TestData.Sha256(picture));

        // Tried again once (--retries 1), then known unreadable for the rest of the crawl: the second page asks nothing.
        server.Hits("/broken.css").ShouldBe(2);
        server.Hits("/2.html").ShouldBe(1);
    }

    private static void AssertSaved(PictureSite site, TempDirectory temp, IEnumerable<string> paths)
    {
        var expected = paths.Select(path => Path.Combine("out", site.HostFolder + path.Replace('/', Path.DirectorySeparatorChar))).Order(StringComparer.Ordinal).ToList();
        temp.AllFiles().ShouldBe(expected);
        foreach (var path in paths)
        {
            TestData.FileSha256(Path.Combine(temp.Out, site.HostFolder + path)).ShouldBe(TestData.Sha256(site.Pictures[path]), path);
        }
    }
}
