using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_Json_DownloadsEveryFileVerifiedDespiteFaults()
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("demo", "-d", temp.Out, "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        var lines = run.JsonLines;
        lines.Count.ShouldBe(40);
        lines.ShouldAllBe(line => line.GetProperty("status").GetString() == "ok");
        lines.Count(line => line.GetProperty("attempts").GetInt32() == 2).ShouldBe(6);
        foreach (var line in lines)
        {
            // The demo passes each file's checksum, so "ok" already means verified; check the disk too.
            TestData.FileSha256(line.GetProperty("path").GetString()!).ShouldBe(line.GetProperty("sha256").GetString());
        }

        Directory.EnumerateFiles(temp.Out).Count().ShouldBe(40);
    }
}
