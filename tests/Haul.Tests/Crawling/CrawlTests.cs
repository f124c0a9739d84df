using System.Text.Json;
using Haul.Crawling;
using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Crawling;

public sealed class CrawlTests
{
    [Fact]
    public async Task Crawl_GallerySite_DownloadsExactlyItsPicturesOnce()
    {
        await using var site = await GallerySite.StartAsync();
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync(
            "crawl", site.Main.Url("/"), "-d", temp.Out, "--depth", "2", "--min-size", "1000", "--json");

        run.ExitCode.ShouldBe(1, run.Error);
        site.AssertPicturesSaved(temp.Out);
        var lines = run.JsonLines.ToDictionary(line => line.GetProperty("url").GetString()!);
        lines[site.Main.Url("/img/broken.jpg")].GetProperty("error").GetProperty("status").GetInt32().ShouldBe(404);
        lines[site.Main.Url("/img/fake.jpg")].GetProperty("status").GetString().ShouldBe("skipped");
        lines[site.Main.Url("/img/fake.jpg")].GetProperty("note").GetString()!.ShouldContain("not an image (text/html)");
        lines[site.Main.Url("/img/logo.png")].GetProperty("note").GetString()!.ShouldContain("under --min-size");
        var thumb = lines[site.Main.Url("/gallery/thumbs/a.jpg")];
        thumb.GetProperty("page").GetString().ShouldBe(site.Main.Url("/gallery/page1.html"));
        thumb.GetProperty("alt").GetString().ShouldBe("Photo A");
        thumb.GetProperty("title").GetString().ShouldBe("A title");

        // Each page and picture once, robots.txt obeyed, the other host never touched.
        site.Main.Hits("/gallery/full/a.jpg").ShouldBe(1);
        site.Main.Hits("/gallery/page1.html").ShouldBe(1);
        site.Main.Hits("/gallery/page2.html").ShouldBe(1);
        site.Main.Hits("/robots.txt").ShouldBe(1);
        site.Main.Hits("/private/secret.html").ShouldBe(0);
        site.Main.Hits("/private/hidden.jpg").ShouldBe(0);
        site.Main.Hits("/gallery/sizes/b-320.jpg").ShouldBe(0);
        site.Other.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Crawl_StoppedByMaxPagesThenRunAgain_ContinuesWithoutRefetching()
    {
        await using var site = await GallerySite.StartAsync();
        using var temp = new TempDirectory();

        var first = await CliRun.RunAsync("crawl", site.Main.Url("/"), "-d", temp.Out, "--depth", "2", "--min-size", "1000", "--max-pages", "1", "-q");
        site.Main.Hits("/").ShouldBe(1);
        site.Main.Hits("/gallery/page1.html").ShouldBe(0);
        first.ExitCode.ShouldBe(0, first.Error);

        var second = await CliRun.RunAsync("crawl", site.Main.Url("/"), "-d", temp.Out, "--depth", "2", "--min-size", "1000", "-q");

        second.ExitCode.ShouldBe(1, second.Error);
        site.Main.Hits("/").ShouldBe(1);
        site.Main.Hits("/img/og.jpg").ShouldBe(1);
        site.AssertPicturesSaved(temp.Out);
    }

    [Fact]
    public async Task Crawl_FlatLayoutWithSelect_SavesOnlyTheSelectedPictures()
    {
        await using var site = await GallerySite.StartAsync();
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync(
            "crawl", site.Main.Url("/gallery/page1.html"), "-d", temp.Out, "--layout", "flat", "--select", "a.full@href", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        temp.AllFiles().ShouldBe([Path.Combine("out", "a.jpg")]);
        TestData.FileSha256(Path.Combine(temp.Out, "a.jpg")).ShouldBe(TestData.Sha256(site.Pictures["/gallery/full/a.jpg"]));
    }

    [Fact]
    public async Task Crawl_RobotsIgnored_FetchesTheDisallowedSection()
    {
        await using var site = await GallerySite.StartAsync();
        using var temp = new TempDirectory();

        await CliRun.RunAsync("crawl", site.Main.Url("/"), "-d", temp.Out, "--depth", "1", "--ignore-robots", "-q");

        site.Main.Hits("/robots.txt").ShouldBe(0);
        site.Main.Hits("/private/secret.html").ShouldBe(1);
    }

    [Fact]
    public async Task Crawl_RobotsLineCutBySizeLimit_IsDroppedNotShortened()
    {
        // The 500 KiB limit falls right after "Disallow: /" of "Disallow: /private".
        const string head = "User-agent: *\n";
        var padding = (500 * 1024) - head.Length - 1 - "Disallow: /".Length;
        var robots = head + new string('#', padding) + "\nDisallow: /private\n";
        var picture = TestData.Bytes(3000, seed: 900);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/robots.txt", (context, _) => context.Response.WriteAsync(robots));
        server.Map("/", (context, _) =>
        {
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync("<img src=\"/pic.png\">");
        });
        server.Map("/pic.png", (context, _) =>
        {
            context.Response.ContentType = "image/png";
            return server.ServeAsync(context, picture);
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/"), "-d", temp.Out, "--layout", "flat", "-q");

        run.ExitCode.ShouldBe(0, run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "pic.png")).ShouldBe(TestData.Sha256(picture));
    }

    [Theory]
    [InlineData("--select", "img[")]
    [InlineData("--follow", "a[href")]
    [InlineData("--scope", "planet")]
    [InlineData("--bogus", "x")]
    public async Task Crawl_BadOption_ExitsTwoWithOneLineBeforeAnyRequest(string flag, string value)
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/"), flag, value, "-d", temp.Out);

        run.ExitCode.ShouldBe(2);
        run.Error.TrimEnd().Split('\n').ShouldHaveSingleItem().ShouldStartWith("haul: ");
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Crawl_HostAnswers503WithRetryAfter_WholeHostPauses()
    {
        await using var server = await LoopbackServer.StartAsync();
        var times = new System.Collections.Concurrent.ConcurrentQueue<(string Path, DateTimeOffset At)>();
        var contents = Enumerable.Range(0, 4).Select(i => TestData.Bytes(4000 + i, seed: 800 + i)).ToArray();
        server.Map("/", (context, _) =>
        {
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync(string.Concat(Enumerable.Range(0, 4).Select(i => $"<img src=\"/{i}.png\">")));
        });
        for (var i = 0; i < contents.Length; i++)
        {
            var index = i;
            server.Map($"/{i}.png", (context, hit) =>
            {
                times.Enqueue(($"/{index}.png", DateTimeOffset.UtcNow));
                if (index == 0 && hit == 1)
                {
                    context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                    context.Response.Headers.RetryAfter = "1";
                    return Task.CompletedTask;
                }

                context.Response.ContentType = "image/png";
                return server.ServeAsync(context, contents[index]);
            });
        }

        using var temp = new TempDirectory();

        // One connection per host, so the pictures are asked for one after another.
        var run = await CliRun.RunAsync("crawl", server.Url("/"), "-d", temp.Out, "--layout", "flat", "--max-per-host", "1", "--ignore-robots", "-q");

        run.ExitCode.ShouldBe(0, run.Error);
        var log = times.ToList();
        var refusedAt = log.First(entry => entry.Path == "/0.png").At;
        foreach (var later in log.Where(entry => entry.At > refusedAt))
        {
            // A lower bound only: nothing reached the host before the pause it asked for.
            (later.At - refusedAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950), later.Path);
        }

        for (var i = 0; i < contents.Length; i++)
        {
            TestData.FileSha256(Path.Combine(temp.Out, $"{i}.png")).ShouldBe(TestData.Sha256(contents[i]));
        }
    }

    private sealed class GallerySite : IAsyncDisposable
    {
        private GallerySite(LoopbackServer main, LoopbackServer other)
        {
            Main = main;
            Other = other;
        }

        public LoopbackServer Main { get; }

        public LoopbackServer Other { get; }

        /// <summary>Every picture the crawl must save, by path.</summary>
        public Dictionary<string, byte[]> Pictures { get; } = new(StringComparer.Ordinal);

        public static async Task<GallerySite> StartAsync()
        {
            var site = new GallerySite(await LoopbackServer.StartAsync(), await LoopbackServer.StartAsync());
            site.Build();
            return site;
        }

        public void AssertPicturesSaved(string directory)
        {
            var hostFolder = $"127.0.0.1_{Main.BaseUri.Port}";
            var saved = Directory.EnumerateFiles(directory, "*", SearchOption.AllDirectories)
                .Where(path => !path.Contains($"{Path.DirectorySeparatorChar}.haul{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
                .Select(path => "/" + Path.GetRelativePath(Path.Combine(directory, hostFolder), path).Replace(Path.DirectorySeparatorChar, '/'))
                .Order(StringComparer.Ordinal)
                .ToList();
            saved.ShouldBe(Pictures.Keys.Order(StringComparer.Ordinal).ToList());
            foreach (var (path, content) in Pictures)
            {
                TestData.FileSha256(Path.Combine(directory, hostFolder + path)).ShouldBe(TestData.Sha256(content), path);
            }
        }

        public async ValueTask DisposeAsync()
        {
            await Main.DisposeAsync();
            await Other.DisposeAsync();
        }

        private void Build()
        {
            var other = Other.Url("/page.html");
            Html("/", $"""
                <html><head><meta property="og:image" content="/img/og.jpg"></head><body>
                <img src="/img/logo.png">
                <a href="gallery/page1.html">one</a> <a href="/gallery/page2.html#top">two</a>
                <a href="/private/secret.html">private</a> <a href="{other}">elsewhere</a>
                </body></html>
                """);
            Html("/gallery/page1.html", """
                <html><head><base href="/gallery/"></head><body>
                <a class="full" href="full/a.jpg"><img src="thumbs/a.jpg" alt="Photo A" title="A title"></a>
                <img srcset="sizes/b-320.jpg 320w, sizes/b-1280.jpg 1280w">
                <picture><source srcset="sizes/c-640.webp 640w, sizes/c-1600.webp 1600w"></picture>
                <div style="background: url('/img/bg.png')"></div>
                <img src="data:image/png;base64,iVBORw0KGgo=">
                <img src="/img/broken.jpg"> <img src="/img/fake.jpg">
                <a href="page2.html">next</a> <a href="/">home</a>
                </body></html>
                """);
            Html("/gallery/page2.html", $"""
                <html><body>
                <a href="page1.html">back</a> <img src="{Main.Url("/img/d.png")}"> <img src="/gallery/full/a.jpg">
                </body></html>
                """);
            Html("/private/secret.html", """<html><body><img src="/private/hidden.jpg"></body></html>""");
            Main.Map("/robots.txt", (context, _) =>
            {
                context.Response.ContentType = "text/plain";
                return context.Response.WriteAsync("User-agent: *\nDisallow: /private/\nCrawl-delay: 0.01\n");
            });
            Other.Map("/page.html", (context, _) => context.Response.WriteAsync("<img src=/x.jpg>"));

            var seed = 700;
            foreach (var (path, type) in new[]
            {
                ("/img/og.jpg", "image/jpeg"), ("/gallery/thumbs/a.jpg", "image/jpeg"), ("/gallery/full/a.jpg", "image/jpeg"),
                ("/gallery/sizes/b-1280.jpg", "image/jpeg"), ("/gallery/sizes/c-1600.webp", "image/webp"),
                ("/img/bg.png", "image/png"), ("/img/d.png", "image/png"),
            })
            {
                var content = TestData.Bytes(2000 + (seed * 7 % 5000), seed++);
                Pictures[path] = content;
                Picture(path, type, content);
            }

            Picture("/img/logo.png", "image/png", TestData.Bytes(200, seed++));
            Picture("/gallery/sizes/b-320.jpg", "image/jpeg", TestData.Bytes(3000, seed++));
            Picture("/private/hidden.jpg", "image/jpeg", TestData.Bytes(3000, seed++));
            Html("/img/fake.jpg", "<html>not a picture</html>");
        }

        private void Html(string path, string html) => Main.Map(path, (context, _) =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync(html);
        });

        private void Picture(string path, string type, byte[] content) => Main.Map(path, (context, _) =>
        {
            context.Response.ContentType = type;
            return Main.ServeAsync(context, content);
        });
    }
}
