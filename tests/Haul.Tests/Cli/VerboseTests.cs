using System.Text.RegularExpressions;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Cli;

public sealed partial class VerboseTests
{
    [Fact]
    public async Task Get_VerboseAndLogFileOnARetried503_LinesNameTheStatusAndTheWait()
    {
        var content = TestData.Bytes(40_000, seed: 41);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/busy.bin", async (context, hit) =>
        {
            if (hit == 1)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "1";
                return;
            }

            await server.ServeAsync(context, content);
        });
        using var temp = new TempDirectory();
        var log = Path.Combine(temp.Root, "haul.log");

        var run = await CliRun.RunAsync("get", server.Url("/busy.bin"), "-d", temp.Out, "-v", "--log-file", log, "--progress", "none");

        run.ExitCode.ShouldBe(0, run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "busy.bin")).ShouldBe(TestData.Sha256(content));
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        lines.ShouldContain($"haul: #1 GET {server.Url("/busy.bin")}");
        lines.ShouldContain(line => line.StartsWith("haul: #1 503 Service Unavailable from ", StringComparison.Ordinal));
        lines.ShouldContain(line => line.StartsWith("haul: #1 attempt 1 failed (http): ", StringComparison.Ordinal) && line.Contains("503") && line.EndsWith("Retrying in 1 s.", StringComparison.Ordinal));
        lines.ShouldContain(line => line.StartsWith("haul: #1 200 OK from ", StringComparison.Ordinal));
        var logLines = await File.ReadAllLinesAsync(log, TestContext.Current.CancellationToken);
        var retry = logLines.Where(line => line.Contains("attempt 1 failed (http)")).ShouldHaveSingleItem();
        Timestamped().IsMatch(retry).ShouldBeTrue(retry);
        retry.ShouldContain("503");
        retry.ShouldEndWith("Retrying in 1 s.");
        logLines.ShouldContain(line => line.Contains($"#1 GET {server.Url("/busy.bin")}"));
        logLines.ShouldAllBe(line => Timestamped().IsMatch(line));
    }

    [Fact]
    public async Task Get_LogFileWithoutVerbose_FileHasTheLinesTerminalDoesNot()
    {
        var content = TestData.Bytes(5_000, seed: 42);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/a.bin", content);
        using var temp = new TempDirectory();
        var log = Path.Combine(temp.Root, "haul.log");

        var run = await CliRun.RunAsync("get", server.Url("/a.bin"), "-d", temp.Out, "--log-file", log, "--progress", "none");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldNotContain("#1");
        var text = await File.ReadAllTextAsync(log, TestContext.Current.CancellationToken);
        text.ShouldContain($"#1 GET {server.Url("/a.bin")}");
        text.ShouldContain("#1 200 OK from");
        text.ShouldNotContain("Content-Length", Case.Insensitive);
    }

    [Fact]
    public async Task Get_Debug_PrintsHeadersWithCredentialsMasked()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/h.bin", async (context, _) =>
        {
            context.Response.Headers.SetCookie = "sid=c00kie-secret";
            await server.ServeAsync(context, [1, 2, 3, 4]);
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync(
            "get", server.Url("/h.bin"), "-d", temp.Out, "--debug", "--progress", "none",
            "--header", "Authorization: Bearer b34r3r", "--header", "X-Auth-Token: t0k3n", "--header", "X-Trace: visible");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldContain("haul: #1 > Authorization: ***");
        run.Error.ShouldContain("haul: #1 > X-Auth-Token: ***");
        run.Error.ShouldContain("haul: #1 > X-Trace: visible");
        run.Error.ShouldContain("haul: #1 < Set-Cookie: ***");
        run.Error.ShouldContain("haul: #1 < Content-Length: 4");
        run.Error.ShouldNotContain("b34r3r");
        run.Error.ShouldNotContain("t0k3n");
        run.Error.ShouldNotContain("c00kie-secret");
    }

    [Fact]
    public async Task Get_RetryWithoutVerbose_PlainModeShowsTheRetryAsItHappens()
    {
        var content = TestData.Bytes(8_000, seed: 43);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/r.bin", async (context, hit) =>
        {
            if (hit == 1)
            {
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
                context.Response.Headers.RetryAfter = "0";
                return;
            }

            await server.ServeAsync(context, content);
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/r.bin"), "-d", temp.Out, "--progress", "plain");

        run.ExitCode.ShouldBe(0, run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "r.bin")).ShouldBe(TestData.Sha256(content));
        run.Error.ShouldContain($"haul: retrying {server.Url("/r.bin")}: try 1 failed (http): ");
        run.Error.ShouldContain("Next try in 0 s.");
        run.Error.ShouldNotContain("#1 GET");
    }

    [Fact]
    public async Task Get_LogFileInMissingFolder_IsAUsageError()
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", "http://127.0.0.1:9/a.bin", "-d", temp.Out, "--log-file", Path.Combine(temp.Root, "no", "such", "haul.log"));

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith("haul: --log-file: cannot write ");
    }

    [Fact]
    public async Task Crawl_Verbose_ShowsEachPictureRequestAndReply()
    {
        var picture = TestData.Bytes(12_000, seed: 44);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/page.html", async (context, _) =>
        {
            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><body><img src=\"/pic.jpg\"></body></html>");
        });
        server.Map("/pic.jpg", async (context, _) =>
        {
            context.Response.ContentType = "image/jpeg";
            await server.ServeAsync(context, picture);
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/page.html"), "-d", temp.Out, "--layout", "flat", "-v", "--progress", "none");

        run.ExitCode.ShouldBe(0, run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "pic.jpg")).ShouldBe(TestData.Sha256(picture));
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        // Pages and robots.txt take numbers from the same sequence, so the picture's is found from its GET line.
        var get = lines.Where(line => line.StartsWith("haul: #", StringComparison.Ordinal) && line.EndsWith($" GET {server.Url("/pic.jpg")}", StringComparison.Ordinal)).ShouldHaveSingleItem();
        var number = get.Split(' ')[1];
        lines.ShouldContain(line => line.StartsWith($"haul: {number} 200 OK from {server.Url("/pic.jpg")} after ", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z (trace|debug|info |warn |error) #\d+ ")]
    private static partial Regex Timestamped();
}
