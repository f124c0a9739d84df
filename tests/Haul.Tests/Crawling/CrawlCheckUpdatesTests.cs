using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Crawling;

public sealed class CrawlCheckUpdatesTests
{
    [Fact]
    public async Task Crawl_FinishedThenRunAgain_SaysSoAndFetchesNothing()
    {
        await using var site = await ChangingSite.StartAsync();
        using var temp = new TempDirectory();
        (await site.CrawlAsync(temp)).ExitCode.ShouldBe(0);
        var requests = site.Server.Requests.Count;

        var again = await site.CrawlAsync(temp, "--json");

        again.ExitCode.ShouldBe(0, again.Error);
        again.Out.ShouldBeEmpty();
        again.Error.ShouldMatch(@"haul: crawl already finished on \d{4}-\d\d-\d\d \d\d:\d\d UTC: 2 pictures; --check-updates looks for new ones");
        site.Server.Requests.Count.ShouldBe(requests);
    }

    [Fact]
    public async Task Crawl_CheckUpdates_UnchangedPageCostsA304AndOnlyTheNewPictureIsFetched()
    {
        await using var site = await ChangingSite.StartAsync();
        using var temp = new TempDirectory();
        (await site.CrawlAsync(temp)).ExitCode.ShouldBe(0);
        site.AddPictureToHome();

        var run = await site.CrawlAsync(temp, "--check-updates", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        run.JsonLines.Select(line => line.GetProperty("url").GetString()).ShouldBe([site.Server.Url("/c.jpg")]);
        foreach (var (path, content) in site.Pictures)
        {
            TestData.FileSha256(Path.Combine(temp.Out, path.TrimStart('/'))).ShouldBe(TestData.Sha256(content), path);
            site.Server.Hits(path).ShouldBe(1, path);
        }

        site.Server.Hits("/").ShouldBe(2);
        site.Server.Hits("/other.html").ShouldBe(2);
        site.NotModified.ShouldBe(1);
    }

    /// <summary>A home page that gains a picture between runs, and a page that never changes; both answer conditional requests.</summary>
    private sealed class ChangingSite : IAsyncDisposable
    {
        private volatile string _home = """<img src="/a.jpg"><a href="/other.html">other</a>""";
        private int _version = 1;
        private int _notModified;
        private byte[] _c = [];

        private ChangingSite(LoopbackServer server) => Server = server;

        public LoopbackServer Server { get; }

        public Dictionary<string, byte[]> Pictures { get; } = new(StringComparer.Ordinal)
        {
            ["/a.jpg"] = TestData.Bytes(2200, seed: 6100),
            ["/b.jpg"] = TestData.Bytes(2300, seed: 6101),
        };

        public int NotModified => Volatile.Read(ref _notModified);

        public static async Task<ChangingSite> StartAsync()
        {
            var site = new ChangingSite(await LoopbackServer.StartAsync());
            site.Server.Map("/", (context, _) => site.PageAsync(context, $"\"home-{Volatile.Read(ref site._version)}\"", site._home));
            site.Server.Map("/other.html", (context, _) => site.PageAsync(context, "\"other-1\"", """<img src="/b.jpg">"""));
            site.Pictures["/c.jpg"] = TestData.Bytes(2400, seed: 6102);
            foreach (var (path, content) in site.Pictures)
            {
                site.Server.Map(path, (context, _) =>
                {
                    context.Response.ContentType = "image/jpeg";
                    return site.Server.ServeAsync(context, content);
                });
            }

            site.Pictures.Remove("/c.jpg", out var c);
            site._c = c!;
            return site;
        }

        public void AddPictureToHome()
        {
            _home = """<img src="/a.jpg"><img src="/c.jpg"><a href="/other.html">other</a>""";
            Interlocked.Increment(ref _version);
            Pictures["/c.jpg"] = _c;
        }

        public Task<CliRun> CrawlAsync(TempDirectory temp, params string[] flags) =>
            CliRun.RunAsync(["crawl", Server.Url("/"), "-d", temp.Out, "--depth", "1", "--layout", "flat", "-q", .. flags]);

        public ValueTask DisposeAsync() => Server.DisposeAsync();

        private Task PageAsync(HttpContext context, string etag, string html)
        {
            context.Response.Headers.ETag = etag;
            if (context.Request.Headers.IfNoneMatch == etag)
            {
                Interlocked.Increment(ref _notModified);
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }

            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync(html);
        }
    }
}
