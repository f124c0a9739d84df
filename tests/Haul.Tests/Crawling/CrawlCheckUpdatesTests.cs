using System.Collections.Concurrent;
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
    public async Task Crawl_CheckUpdates_UnchangedCosts304sChangedReplacedNewFetched()
    {
        await using var site = await ChangingSite.StartAsync();
        using var temp = new TempDirectory();
        (await site.CrawlAsync(temp)).ExitCode.ShouldBe(0);
        site.Change();

        var run = await site.CrawlAsync(temp, "--check-updates", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        var status = run.JsonLines.ToDictionary(line => line.GetProperty("url").GetString()!, line => line.GetProperty("status").GetString());
        // Results come in completion order, and b.jpg and c.jpg are fetched at the same time.
        status.ShouldBe(
            new Dictionary<string, string?>
            {
                [site.Server.Url("/a.jpg")] = "skipped",
                [site.Server.Url("/b.jpg")] = "ok",
                [site.Server.Url("/c.jpg")] = "ok",
            },
            ignoreOrder: true);
        foreach (var path in new[] { "/a.jpg", "/b.jpg", "/c.jpg" })
        {
            TestData.FileSha256(Path.Combine(temp.Out, path.TrimStart('/'))).ShouldBe(TestData.Sha256(site.Content[path]), path);
        }

        // The unchanged page and the unchanged picture each cost one 304, nothing more.
        site.NotModified.OrderBy(path => path, StringComparer.Ordinal).ShouldBe(["/a.jpg", "/other.html"]);
        site.Server.Hits("/a.jpg").ShouldBe(2);
        site.Server.Hits("/c.jpg").ShouldBe(1);
    }

    [Fact]
    public async Task Crawl_CheckUpdatesWithoutJournal_IsAUsageError()
    {
        await using var site = await ChangingSite.StartAsync();
        using var temp = new TempDirectory();

        var run = await site.CrawlAsync(temp, "--check-updates", "--no-journal");

        run.ExitCode.ShouldBe(2);
        site.Server.Requests.ShouldBeEmpty();
    }

    /// <summary>
    /// A home page that gains a picture, a picture that changes, and a page and a picture that never
    /// change; every path answers If-None-Match with a 304 when its ETag still matches.
    /// </summary>
    private sealed class ChangingSite : IAsyncDisposable
    {
        private readonly ConcurrentDictionary<string, (string ETag, byte[] Body)> _files = new(StringComparer.Ordinal);

        private ChangingSite(LoopbackServer server) => Server = server;

        public LoopbackServer Server { get; }

        public ConcurrentQueue<string> NotModified { get; } = new();

        /// <summary>The bytes each picture has now.</summary>
        public Dictionary<string, byte[]> Content => _files.Where(pair => pair.Key.EndsWith(".jpg", StringComparison.Ordinal)).ToDictionary(pair => pair.Key, pair => pair.Value.Body);

        public static async Task<ChangingSite> StartAsync()
        {
            var site = new ChangingSite(await LoopbackServer.StartAsync());
            site.Set("/", """<img src="/a.jpg"><a href="/other.html">other</a>""");
            site.Set("/other.html", """<img src="/b.jpg">""");
            site.Set("/a.jpg", TestData.Bytes(2200, seed: 6100));
            site.Set("/b.jpg", TestData.Bytes(2300, seed: 6101));
            site.Set("/c.jpg", TestData.Bytes(2400, seed: 6102));
            foreach (var path in site._files.Keys)
            {
                site.Server.Map(path, (context, _) => site.ServeAsync(context, path));
            }

            return site;
        }

        public void Change()
        {
            Set("/", """<img src="/a.jpg"><img src="/c.jpg"><a href="/other.html">other</a>""");
            Set("/b.jpg", TestData.Bytes(2350, seed: 6103));
        }

        public Task<CliRun> CrawlAsync(TempDirectory temp, params string[] flags) =>
            CliRun.RunAsync(["crawl", Server.Url("/"), "-d", temp.Out, "--depth", "1", "--layout", "flat", "-q", .. flags]);

        public ValueTask DisposeAsync() => Server.DisposeAsync();

        private void Set(string path, string html) => Set(path, System.Text.Encoding.UTF8.GetBytes(html));

        private void Set(string path, byte[] body) =>
            _files.AddOrUpdate(path, _ => ("\"1\"", body), (_, old) => ($"\"{int.Parse(old.ETag.Trim('"'), System.Globalization.CultureInfo.InvariantCulture) + 1}\"", body));

        private async Task ServeAsync(HttpContext context, string path)
        {
            var (etag, body) = _files[path];
            if (context.Request.Headers.IfNoneMatch == etag)
            {
                NotModified.Enqueue(path);
                context.Response.Headers.ETag = etag;
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return;
            }

            context.Response.ContentType = path.EndsWith(".jpg", StringComparison.Ordinal) ? "image/jpeg" : "text/html";
            await Server.ServeAsync(context, body, etag);
        }
    }
}
