using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

/// <summary>The closing line counts the bytes this run received, not the sizes of the files it touched.</summary>
public sealed class SummaryTests
{
    [Fact]
    public async Task Get_DroppedThenResumed_EachSummaryCountsItsOwnBytes()
    {
        var content = TestData.Bytes(300 * 1024, seed: 60);
        const int firstPart = 190 * 1024;
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        var part = Path.Combine(temp.Out, "a.bin.part");
        server.Map("/a.bin", (context, hit) => hit == 1
            ? server.ServeAsync(context, content, dropAfter: firstPart, partPath: part)
            : server.ServeAsync(context, content));

        var dropped = await CliRun.RunAsync("get", server.Url("/a.bin"), "-d", temp.Out, "--retries", "0", "--progress", "plain");
        var resumed = await CliRun.RunAsync("get", server.Url("/a.bin"), "-d", temp.Out, "--progress", "plain");

        dropped.ExitCode.ShouldBe(1, dropped.Error);
        dropped.Error.ShouldContain("1 failed; 190.0 KiB in ");
        resumed.ExitCode.ShouldBe(0, resumed.Error);
        server.Requests.Last().Range.ShouldBe($"bytes={firstPart}-");
        resumed.Error.ShouldContain("1 done, 0 skipped, 0 failed; 110.0 KiB in ");
        TestData.FileSha256(Path.Combine(temp.Out, "a.bin")).ShouldBe(TestData.Sha256(content));
    }
}
