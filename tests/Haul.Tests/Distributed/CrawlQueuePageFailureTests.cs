using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Distributed;

/// <summary>A crawl on a queue reports the pages it could not fetch as the local crawl does.</summary>
public sealed class CrawlQueuePageFailureTests
{
    [Fact]
    public async Task CrawlQueue_StartPageNotFound_PageLineAndExitOne()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var server = await LoopbackServer.StartAsync();
        var job = new JobProbe(redis, "gone");
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/gone.html"), "--queue", job.Address, "-d", temp.Out, "--json");

        run.ExitCode.ShouldBe(1, run.Error);
        var line = run.JsonLines.ShouldHaveSingleItem();
        line.GetProperty("type").GetString().ShouldBe("page");
        line.GetProperty("url").GetString().ShouldBe(server.Url("/gone.html"));
        line.GetProperty("error").GetProperty("status").GetInt32().ShouldBe(404);
        server.Hits("/gone.html").ShouldBe(1);
    }
}
