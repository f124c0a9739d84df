using System.Text;
using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Distributed;

/// <summary>A crawl worker on a queue fetches its pages and its pictures over one connection pool.</summary>
public sealed class WorkerCrawlPoolTests
{
    [Fact]
    public async Task CrawlQueue_PageRobotsAndPicture_OneConnectionForAll()
    {
        await using var redis = await RedisServer.StartAsync();
        var picture = TestData.Bytes(5000, seed: 9140);
        var page = Encoding.ASCII.GetBytes("<html><body><img src=/a.jpg></body></html>");
        var robots = Encoding.ASCII.GetBytes("User-agent: *\nDisallow: /private/\n");
        await using var server = RawLoopbackServer.Start(request => request.Target switch
        {
            "/robots.txt" => RawReply.Of($"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: {robots.Length}", robots, keepAlive: true),
            "/" => RawReply.Of($"HTTP/1.1 200 OK\r\nContent-Type: text/html\r\nContent-Length: {page.Length}", page, keepAlive: true),
            "/a.jpg" => RawReply.Of($"HTTP/1.1 200 OK\r\nContent-Type: image/jpeg\r\nETag: \"v1\"\r\nContent-Length: {picture.Length}", picture, keepAlive: true),
            _ => RawReply.Of("HTTP/1.1 404 Not Found\r\nContent-Length: 0", keepAlive: true),
        });
        var job = new JobProbe(redis, "pool");
        using var temp = new TempDirectory();

        // One at a time to the host: a second pool would show as a second connection.
        var run = await CliRun.RunAsync("crawl", server.Url("/"), "--queue", job.Address, "-d", temp.Out, "-j", "1", "--max-per-host", "1", "--layout", "flat", "-q");

        run.ExitCode.ShouldBe(0, run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "a.jpg")).ShouldBe(TestData.Sha256(picture));
        server.Requests.Select(request => request.Target).Order(StringComparer.Ordinal).ShouldBe(["/", "/a.jpg", "/robots.txt"]);
        server.Connections.ShouldBe(1);
    }
}
