using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

public sealed class LiveLinesTests
{
    [Fact]
    public async Task Haul_404WhileAnotherTransferRuns_FailureOnStderrAboveTheLiveView()
    {
        var content = TestData.Bytes(300_000, seed: 51);
        await using var server = await LoopbackServer.StartAsync();
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var temp = new TempDirectory();
        server.Map("/slow.bin", async (context, _) =>
        {
            context.Response.ContentLength = content.Length;
            context.Response.Headers.ETag = "\"slow\"";
            await server.WriteBodyAsync(context, content.AsMemory(0, 100_000));
            await context.Response.Body.FlushAsync();
            await gate.Task.WaitAsync(TimeSpan.FromSeconds(120));
            await server.WriteBodyAsync(context, content.AsMemory(100_000));
        });

        using var haul = HaulProcess.Start("get", server.Url("/slow.bin"), server.Url("/gone.bin"), "-d", temp.Out, "--progress", "bars");
        try
        {
            await Eventually.TrueAsync(() => haul.Error.Contains("http: 404 Not Found", StringComparison.Ordinal), "the 404 on stderr");

            // The other transfer is still held open by the server: the line came live, not from the summary.
            haul.HasExited.ShouldBeFalse();
            haul.Error.ShouldNotContain("0 failed");
            haul.Error.ShouldNotContain("1 failed");
        }
        finally
        {
            gate.TrySetResult();
        }

        (await haul.WaitForExitAsync()).ShouldBe(1, haul.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "slow.bin")).ShouldBe(TestData.Sha256(content));
        haul.Error.ShouldContain("haul: 1 done, 0 skipped, 1 failed");
    }

    [Fact]
    public async Task Haul_CtrlC_SummaryNamesTheInterruptedFile()
    {
        var content = TestData.Bytes(200_000, seed: 52);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/held.bin", (context, _) => server.ServeThenStallAsync(context, content, 50_000, "\"h\""));
        using var temp = new TempDirectory();

        using var haul = HaulProcess.Start("get", server.Url("/held.bin"), "-d", temp.Out, "--progress", "plain");
        await Eventually.FileReachesAsync(Path.Combine(temp.Out, "held.bin.part"), 50_000);
        haul.Interrupt();

        (await haul.WaitForExitAsync()).ShouldBe(130, haul.Error);
        haul.Error.ShouldContain("1 interrupted");
        var named = haul.Error.Split('\n').Where(line => line.StartsWith("  interrupted: ", StringComparison.Ordinal)).ShouldHaveSingleItem(haul.Error);
        named.ShouldBeOneOf($"  interrupted: held.bin ({server.Url("/held.bin")})", $"  interrupted: {server.Url("/held.bin")}");
        TestData.FileSha256(Path.Combine(temp.Out, "held.bin.part")).ShouldBe(TestData.Sha256(content[..50_000]));
    }
}
