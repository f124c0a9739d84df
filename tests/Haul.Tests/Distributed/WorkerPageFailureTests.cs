using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Distributed;

/// <summary>A worker's crawl records the pages it could not fetch in the job's results, where <c>haul status</c> counts them.</summary>
public sealed class WorkerPageFailureTests
{
    [Fact]
    public async Task CrawlQueue_StartPageNotFound_PageResultInTheJobAndCountedByStatus()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var server = await LoopbackServer.StartAsync();
        var job = new JobProbe(redis, "pages");
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/gone.html"), "--queue", job.Address, "-d", temp.Out, "--json");

        run.ExitCode.ShouldBe(1, run.Error);
        var result = (await job.ResultsAsync()).ShouldHaveSingleItem();
        result.GetProperty("type").GetString().ShouldBe("page");
        result.GetProperty("url").GetString().ShouldBe(server.Url("/gone.html"));
        result.GetProperty("status").GetString().ShouldBe("failed");
        result.GetProperty("error").GetProperty("status").GetInt32().ShouldBe(404);

        var status = await CliRun.RunAsync("status", job.Address, "--json");
        status.ExitCode.ShouldBe(0, status.Error);
        using var counts = System.Text.Json.JsonDocument.Parse(status.Out);
        counts.RootElement.GetProperty("failed").GetInt64().ShouldBe(1, status.Out);
    }
}
