using System.Text.Json;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

public sealed class GetCommandTests
{
    [Fact]
    public async Task Get_JsonWithOneFailure_PrintsContractLinesAndExitsOne()
    {
        var content = TestData.Bytes(7000, seed: 40);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/a.jpg", content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/a.jpg"), server.Url("/nope.jpg"), "-d", temp.Out, "--json");

        run.ExitCode.ShouldBe(1);
        var lines = run.JsonLines;
        lines.Count.ShouldBe(2);
        var ok = lines.Single(line => line.GetProperty("status").GetString() == "ok");
        ok.GetProperty("url").GetString().ShouldBe(server.Url("/a.jpg"));
        ok.GetProperty("path").GetString().ShouldBe(Path.Combine(temp.Out, "a.jpg"));
        ok.GetProperty("bytes").GetInt64().ShouldBe(7000);
        ok.GetProperty("sha256").GetString().ShouldBe(TestData.Sha256(content));
        ok.GetProperty("attempts").GetInt32().ShouldBe(1);
        ok.GetProperty("elapsed_ms").ValueKind.ShouldBe(JsonValueKind.Number);
        ok.TryGetProperty("error", out _).ShouldBeFalse();
        var failed = lines.Single(line => line.GetProperty("status").GetString() == "failed");
        var error = failed.GetProperty("error");
        error.GetProperty("kind").GetString().ShouldBe("http");
        error.GetProperty("status").GetInt32().ShouldBe(404);
        error.GetProperty("message").GetString().ShouldBe($"404 Not Found from {server.Url("/nope.jpg")}.");
        TestData.FileSha256(Path.Combine(temp.Out, "a.jpg")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_Shorthand_AllSucceed_ExitsZero()
    {
        var content = TestData.Bytes(3000, seed: 41);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/b.bin", content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync(server.Url("/b.bin"), "-d", temp.Out, "-o", "renamed.bin", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("path").GetString().ShouldBe(Path.Combine(temp.Out, "renamed.bin"));
        TestData.FileSha256(Path.Combine(temp.Out, "renamed.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_InputFile_AppliesOptionsAndReportsBadLines()
    {
        var first = TestData.Bytes(2000, seed: 42);
        var second = TestData.Bytes(2500, seed: 43);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/one.bin", first);
        server.MapFile("/two.bin", second);
        using var temp = new TempDirectory();
        var input = Path.Combine(temp.Root, "urls.txt");
        await File.WriteAllTextAsync(input, $"""
            # a comment, then a blank line

            {server.Url("/one.bin")}
              out=first.bin
              dir=sub
              checksum=sha-256={TestData.Sha256(first)}
            htp:/broken line
            {server.Url("/two.bin")}
              checksum=sha-256={new string('1', 64)}
            """, TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("get", "-i", input, "-d", temp.Out, "--json");

        run.ExitCode.ShouldBe(1);
        var lines = run.JsonLines.ToDictionary(line => line.GetProperty("url").GetString()!);
        lines[server.Url("/one.bin")].GetProperty("status").GetString().ShouldBe("ok");
        TestData.FileSha256(Path.Combine(temp.Out, "sub", "first.bin")).ShouldBe(TestData.Sha256(first));
        var invalid = lines["htp:/broken line"].GetProperty("error");
        invalid.GetProperty("kind").GetString().ShouldBe("invalid-url");
        invalid.GetProperty("message").GetString().ShouldStartWith("Line 7:");
        lines[server.Url("/two.bin")].GetProperty("error").GetProperty("kind").GetString().ShouldBe("checksum");
        File.Exists(Path.Combine(temp.Out, "two.bin")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("--bogus", "--bogus")]
    [InlineData("-j", "--max-concurrent")]
    [InlineData("--max-concurrent=many", "many")]
    [InlineData("--progress=sparkles", "sparkles")]
    public async Task Get_BadFlag_ExitsTwoNamingIt(string flag, string named)
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", "http://127.0.0.1:9/x", flag, "-d", temp.Out);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith("haul: ");
        run.Error.ShouldContain(named);
        run.Out.ShouldBeEmpty();
        temp.AllFiles().ShouldBeEmpty();
        Directory.Exists(temp.Out).ShouldBeFalse();
    }

    [Theory]
    [InlineData("get")]
    [InlineData("get http://127.0.0.1:9/a http://127.0.0.1:9/b -o x")]
    [InlineData("get http://127.0.0.1:9/a --checksum sha-256=abc")]
    [InlineData("get http://127.0.0.1:9/a -j 0")]
    [InlineData("get http://127.0.0.1:9/a --timeout -1")]
    [InlineData("get http://127.0.0.1:9/a -x 0")]
    [InlineData("get http://127.0.0.1:9/a -x 33")]
    [InlineData("get http://127.0.0.1:9/a --min-split-size 512K")]
    [InlineData("get http://127.0.0.1:9/a --min-split-size lots")]
    [InlineData("get http://127.0.0.1:9/a --max-overall-download-limit -5K")]
    [InlineData("get http://127.0.0.1:9/a --limit-rate fast")]
    public async Task Get_UsageError_ExitsTwoWithOneLine(string commandLine)
    {
        var run = await CliRun.RunAsync(commandLine.Split(' '));

        run.ExitCode.ShouldBe(2);
        run.Error.TrimEnd().Split('\n').ShouldHaveSingleItem().ShouldStartWith("haul: ");
    }

    [Fact]
    public async Task Get_UnreadableInputFile_ExitsTwoNamingTheFile()
    {
        using var temp = new TempDirectory();
        var missing = Path.Combine(temp.Root, "no-such-list.txt");

        var run = await CliRun.RunAsync("get", "-i", missing, "-d", temp.Out);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain($"cannot read input file '{missing}'");
        Directory.Exists(temp.Out).ShouldBeFalse();
    }

    [Fact]
    public async Task Get_StdinInputInProcess_StreamsUrls()
    {
        var content = TestData.Bytes(1234, seed: 44);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/in.bin", content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunWithInputAsync($"{server.Url("/in.bin")}\n", "get", "-i", "-", "-d", temp.Out, "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "in.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_QuietWithFailure_OnlyTheFailureLineOnStderr()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/lost.png"), "-d", temp.Out, "-q");

        run.ExitCode.ShouldBe(1);
        run.Out.ShouldBeEmpty();
        run.Error.TrimEnd().ShouldBe($"haul: http: 404 Not Found from {server.Url("/lost.png")}.");
    }

    [Fact]
    public async Task Get_PlainProgress_PrintsSummaryWithEachFailureKind()
    {
        var content = TestData.Bytes(5000, seed: 45);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/fine.bin", content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/fine.bin"), server.Url("/absent.bin"), "http://nowhere.invalid/x", "-d", temp.Out, "--progress", "plain");

        run.ExitCode.ShouldBe(1);
        run.Out.ShouldBeEmpty();
        run.Error.ShouldContain("haul: 1 done, 0 skipped, 2 failed;");
        run.Error.ShouldContain($"  http: 404 Not Found from {server.Url("/absent.bin")}.");
        run.Error.ShouldContain("  dns: The host 'nowhere.invalid' could not be found");
        run.Error.ShouldContain($"haul: files are in {temp.Out}");
        TestData.FileSha256(Path.Combine(temp.Out, "fine.bin")).ShouldBe(TestData.Sha256(content));
    }
}
