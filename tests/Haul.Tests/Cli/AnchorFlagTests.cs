using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Cli;

/// <summary>The flags users of wget, aria2 and curl type, through the real parser, with the bytes on disk checked.</summary>
public sealed class AnchorFlagTests
{
    [Fact]
    public async Task Get_WgetSpellings_ContinueDirPrefixTimeoutTimestamping_SavesUnderThePrefix()
    {
        var content = TestData.Bytes(5000, seed: 140);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/w.bin", content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/w.bin"), "-c", "-P", temp.Out, "-T", "30", "-N", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "w.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_TriesOne_TransientFailure_FailsAfterOneAttempt()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/flaky.bin", (context, _) =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/flaky.bin"), "-d", temp.Out, "-t", "1", "--json");

        run.ExitCode.ShouldBe(1);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("attempts").GetInt32().ShouldBe(1);
        server.Hits("/flaky.bin").ShouldBe(1);
    }

    [Fact]
    public async Task Get_TriesThreeRetryWaitZero_TwoFailures_SucceedsOnTheThirdTry()
    {
        var content = TestData.Bytes(4000, seed: 141);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/flaky.bin", (context, hit) =>
        {
            if (hit < 3)
            {
                context.Response.StatusCode = 503;
                return Task.CompletedTask;
            }

            return server.ServeAsync(context, content);
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/flaky.bin"), "-d", temp.Out, "--tries", "3", "--retry-wait", "0", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("attempts").GetInt32().ShouldBe(3);
        TestData.FileSha256(Path.Combine(temp.Out, "flaky.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_TriesOneWithRetriesInTheConfigFile_TriesWins()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/flaky.bin", (context, _) =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        using var temp = new TempDirectory();
        var config = Path.Combine(temp.Root, "haul.conf");
        await File.WriteAllTextAsync(config, "retries = 4\nretry-wait = 0\n", TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("--config", config, "get", server.Url("/flaky.bin"), "-d", temp.Out, "-t", "1", "--json");

        run.ExitCode.ShouldBe(1, run.Error);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("attempts").GetInt32().ShouldBe(1);
        server.Hits("/flaky.bin").ShouldBe(1);
    }

    [Theory]
    [InlineData("1", 1, "redirect")]
    [InlineData("2", 0, null)]
    public async Task Get_MaxRedirect_TwoRedirects_FollowsUpToTheLimit(string limit, int exitCode, string? kind)
    {
        var content = TestData.Bytes(3000, seed: 142);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/a", (context, _) => Redirect(context, "/b"));
        server.Map("/b", (context, _) => Redirect(context, "/file.bin"));
        server.MapFile("/file.bin", content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/a"), "-d", temp.Out, "-o", "r.bin", "--max-redirect", limit, "--json");

        run.ExitCode.ShouldBe(exitCode, run.Error);
        var line = run.JsonLines.ShouldHaveSingleItem();
        if (kind is null)
        {
            TestData.FileSha256(Path.Combine(temp.Out, "r.bin")).ShouldBe(TestData.Sha256(content));
        }
        else
        {
            line.GetProperty("error").GetProperty("kind").GetString().ShouldBe(kind);
            File.Exists(Path.Combine(temp.Out, "r.bin")).ShouldBeFalse();
        }
    }

    [Theory]
    [InlineData("--limit-rate", "0")]
    [InlineData("--max-overall-download-limit", "0")]
    [InlineData("--max-overall-download-limit", "10MiB")]
    [InlineData("--max-download-limit", "0")]
    [InlineData("--max-download-limit", "10MB")]
    public async Task Get_RateFlags_ZeroOrSize_Downloads(string flag, string value)
    {
        var content = TestData.Bytes(20_000, seed: 145);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/r.bin", content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/r.bin"), "-d", temp.Out, flag, value);

        run.ExitCode.ShouldBe(0, run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "r.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Theory]
    [InlineData("--max-download-limit", "fast")]
    [InlineData("--max-filesize", "-1")]
    [InlineData("--max-filesize", "10X")]
    [InlineData("--retry-wait", "-1")]
    [InlineData("--max-redirect", "101")]
    [InlineData("-t", "-1")]
    public async Task Get_BadValue_UsageErrorNamingTheFlag(string flag, string value)
    {
        var run = await CliRun.RunAsync("get", "http://127.0.0.1:9/x", flag, value);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain(flag);
        run.Error.ShouldNotContain("System.");
    }

    [Theory]
    [InlineData("crawl")]
    [InlineData("worker")]
    public async Task Help_CrawlAndWorker_TakeTheSharedTransferFlags(string command)
    {
        var run = await CliRun.RunAsync(command, "--help");

        run.ExitCode.ShouldBe(0);
        foreach (var flag in new[] { "--tries", "--max-redirect", "--retry-wait", "--max-filesize", "--allow-overwrite", "--max-download-limit", "--max-overall-download-limit", "-P" })
        {
            run.Out.ShouldContain(flag);
        }
    }

    private static Task Redirect(HttpContext context, string location)
    {
        context.Response.StatusCode = 302;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    }
}
