using Haul.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

/// <summary><c>haul get … --json | head -1</c>: once nobody reads stdout, the run stops.</summary>
public sealed class OutputClosedTests
{
    [Fact]
    public async Task Get_StdoutClosedAfterOneLine_StopsAtOnceKeepsPartExits141()
    {
        var first = TestData.Bytes(3000, seed: 80);
        var stalled = TestData.Bytes(1024 * 1024, seed: 81);
        const int sent = 64 * 1024;
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/first.bin", first);

        // Sends a part, then waits until the client hangs up: only a stopped run ends this transfer.
        server.Map("/stalled.bin", (context, _) => server.ServeThenStallAsync(context, stalled, sent, etag: "\"v1\""));
        using var temp = new TempDirectory();
        var part = Path.Combine(temp.Out, "stalled.bin.part");
        using var haul = HaulProcess.StartWithStdoutPipe(
            "get", server.Url("/first.bin"), server.Url("/stalled.bin"), "-d", temp.Out, "--json", "--timeout", "3600");

        var line = await haul.StandardOutput.ReadLineAsync(TestContext.Current.CancellationToken);
        await Eventually.FileReachesAsync(part, sent);
        haul.StandardOutput.Close();
        var exitCode = await haul.WaitForExitAsync();

        line.ShouldNotBeNull().ShouldContain("first.bin");
        exitCode.ShouldBe(ExitCodes.OutputClosed, haul.Error);
        haul.Error.ShouldContain("haul: output closed");
        TestData.FileSha256(Path.Combine(temp.Out, "first.bin")).ShouldBe(TestData.Sha256(first));
        TestData.FileSha256(part).ShouldBe(TestData.Sha256(stalled.AsSpan(0, sent).ToArray()));
        File.Exists(Path.Combine(temp.Out, "stalled.bin")).ShouldBeFalse();
    }
}
