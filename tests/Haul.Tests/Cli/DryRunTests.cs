using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

/// <summary><c>--dry-run</c>: the planned paths, with no request and nothing written.</summary>
public sealed class DryRunTests
{
    [Fact]
    public async Task Get_DryRun_PrintsPlannedPathsAndTouchesNothing()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/a/pic.jpg", TestData.Bytes(100, seed: 149));
        server.MapFile("/b/pic.jpg", TestData.Bytes(100, seed: 150));
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/a/pic.jpg"), server.Url("/b/pic.jpg"), "-d", temp.Out, "--dry-run");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe(
        [
            $"{server.Url("/a/pic.jpg")} -> {Path.Combine(temp.Out, "pic.jpg")}",
            $"{server.Url("/b/pic.jpg")} -> {Path.Combine(temp.Out, "pic.1.jpg")}",
        ]);
        Directory.Exists(temp.Out).ShouldBeFalse();
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Get_DryRunJson_OneSkippedLineEachWithThePath()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/c.bin"), "-d", temp.Out, "-o", "sub/c.bin", "--dry-run", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        var line = run.JsonLines.ShouldHaveSingleItem();
        line.GetProperty("status").GetString().ShouldBe("skipped");
        line.GetProperty("path").GetString().ShouldBe(Path.Combine(temp.Out, "sub", "c.bin"));
        Directory.Exists(temp.Out).ShouldBeFalse();
        server.Requests.ShouldBeEmpty();
    }
}
