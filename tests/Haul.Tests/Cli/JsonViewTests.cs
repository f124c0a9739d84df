using Haul.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

/// <summary><c>--json</c> keeps stdout pure JSON; on a terminal, stderr still shows the run.</summary>
public sealed class JsonViewTests
{
    [Theory]
    [InlineData(true, new string[0], true)]
    [InlineData(false, new string[0], false)]
    [InlineData(true, new[] { "-q" }, false)]
    [InlineData(true, new[] { "--progress", "none" }, false)]
    [InlineData(false, new[] { "--progress", "bars" }, true)]
    public async Task Get_Json_ViewOnStderrOnlyWhenWatched(bool errorIsTerminal, string[] flags, bool viewShown)
    {
        var content = TestData.Bytes(4096, seed: 95);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/a.bin", content);
        using var temp = new TempDirectory();
        using var output = new StringWriter();
        using var error = new StringWriter();

        var exitCode = await HaulCli.RunAsync(
            ["get", server.Url("/a.bin"), "-d", temp.Out, "--json", .. flags],
            new CliIo(TextReader.Null, output, error, errorIsTerminal),
            TestContext.Current.CancellationToken);

        exitCode.ShouldBe(ExitCodes.Success, error.ToString());
        new CliRun(exitCode, output.ToString(), error.ToString()).JsonLines.ShouldHaveSingleItem()
            .GetProperty("sha256").GetString().ShouldBe(TestData.Sha256(content));
        error.ToString().Contains("haul: 1 done, 0 skipped, 0 failed", StringComparison.Ordinal).ShouldBe(viewShown, error.ToString());
        TestData.FileSha256(Path.Combine(temp.Out, "a.bin")).ShouldBe(TestData.Sha256(content));
    }
}
