using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Distributed;

public sealed class DistributedCrawlTests
{
    private const int Pages = 40;

    [Fact]
    public async Task Crawl_ThreeWorkersOnOneQueue_SameFilesAsOneProcessEachPageAndPictureFetchedOnce()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var alone = await LoopbackServer.StartAsync();
        await using var shared = await LoopbackServer.StartAsync();
        var pictures = Build(alone);
        Build(shared);
        using var temp = new TempDirectory();
        string[] rules = ["--depth", "8", "--accept", "jpg,png"];

        var single = await CliRun.RunAsync(["crawl", alone.Url("/p/0.html"), "-d", Path.Combine(temp.Root, "alone"), "-q", .. rules]);
        single.ExitCode.ShouldBe(0, single.Error);

        var job = new JobProbe(redis, "crawl");
        var runs = await Task.WhenAll(
            CliRun.RunAsync(["crawl", shared.Url("/p/0.html"), "--queue", job.Address, "-d", Path.Combine(temp.Root, "c1"), "-j", "4", "-q", .. rules]),
            CliRun.RunAsync("worker", job.Address, "-d", Path.Combine(temp.Root, "c2"), "-j", "4", "-q"),
            CliRun.RunAsync(["crawl", shared.Url("/p/0.html"), "--queue", job.Address, "-d", Path.Combine(temp.Root, "c3"), "-j", "4", "-q", .. rules]));

        foreach (var run in runs)
        {
            run.ExitCode.ShouldBe(0, run.Error);
        }

        var expected = Saved(temp.Root, ["alone"], alone);
        expected.Keys.Order(StringComparer.Ordinal).ShouldBe(pictures.Keys.Order(StringComparer.Ordinal));
        var together = Saved(temp.Root, ["c1", "c2", "c3"], shared);
        together.Keys.Order(StringComparer.Ordinal).ShouldBe(expected.Keys.Order(StringComparer.Ordinal));
        foreach (var (path, file) in together)
        {
            TestData.FileSha256(file).ShouldBe(TestData.Sha256(pictures[path]), path);
        }

        for (var i = 0; i < Pages; i++)
        {
            shared.Hits($"/p/{i}.html").ShouldBe(1, $"page {i}");
        }

        foreach (var path in pictures.Keys)
        {
            shared.Hits(path).ShouldBe(1, path);
        }

        shared.Hits("/img/skip.gif").ShouldBe(0);
        (await job.ResultsAsync()).Count.ShouldBe(pictures.Count);
        var status = (await CliRun.RunAsync("status", job.Address, "--json")).JsonLines.Single();
        status.GetProperty("crawl").GetBoolean().ShouldBeTrue();
        status.GetProperty("pages").GetInt64().ShouldBe(Pages);
        status.GetProperty("done").GetBoolean().ShouldBeTrue();
    }

    /// <summary>Saved pictures by their path on the site, across the given output folders; none saved twice.</summary>
    private static Dictionary<string, string> Saved(string root, string[] folders, LoopbackServer site)
    {
        var saved = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var folder in folders)
        {
            var hostFolder = Path.Combine(root, folder, $"127.0.0.1_{site.BaseUri.Port}");
            if (!Directory.Exists(hostFolder))
            {
                continue;
            }

            foreach (var file in Directory.EnumerateFiles(hostFolder, "*", SearchOption.AllDirectories))
            {
                saved.Add("/" + Path.GetRelativePath(hostFolder, file).Replace(Path.DirectorySeparatorChar, '/'), file);
            }
        }

        return saved;
    }

    /// <summary>
    /// A generated site: pages in a tree with links back and across, each with its own picture, its
    /// neighbour's, a shared logo, a picture type the crawl refuses, and a link to a picture.
    /// </summary>
    private static Dictionary<string, byte[]> Build(LoopbackServer server)
    {
        var pictures = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i < Pages; i++)
        {
            var links = new[] { (2 * i) + 1, (2 * i) + 2, i + 1, i / 2 }.Where(link => link < Pages).Select(link => $"<a href=\"/p/{link}.html\">{link}</a>");
            var html = $"""
                <html><body>{string.Join(' ', links)}
                <img src="/img/{i}.jpg" alt="picture {i}"> <img src="/img/{(i + 1) % Pages}.jpg"> <img src="/img/logo.png">
                <img src="/img/skip.gif"> <a href="/full/{i}.jpg">full size</a>
                </body></html>
                """;
            server.Map($"/p/{i}.html", (context, _) =>
            {
                context.Response.ContentType = "text/html";
                return context.Response.WriteAsync(html);
            });
            Picture(server, pictures, $"/img/{i}.jpg", "image/jpeg", 1000 + i);
            Picture(server, pictures, $"/full/{i}.jpg", "image/jpeg", 2000 + i);
        }

        Picture(server, pictures, "/img/logo.png", "image/png", 3000);
        server.Map("/img/skip.gif", (context, _) =>
        {
            context.Response.ContentType = "image/gif";
            return server.ServeAsync(context, TestData.Bytes(100, 4000));
        });
        server.Map("/robots.txt", (context, _) => context.Response.WriteAsync("User-agent: *\nDisallow: /private/\n"));
        return pictures;
    }

    private static void Picture(LoopbackServer server, Dictionary<string, byte[]> pictures, string path, string type, int seed)
    {
        var content = TestData.Bytes(1500 + (seed % 7 * 900), seed);
        pictures[path] = content;
        server.Map(path, (context, _) =>
        {
            context.Response.ContentType = type;
            return server.ServeAsync(context, content);
        });
    }
}
