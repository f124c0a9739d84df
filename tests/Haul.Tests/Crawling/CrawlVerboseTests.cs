using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Crawling;

/// <summary><c>-v</c> on a crawl: pages, robots.txt and stylesheets show their requests, replies and retries as files do.</summary>
public sealed class CrawlVerboseTests
{
    [Fact]
    public async Task Crawl_VerboseWithARetriedPage_RobotsStylesheetAndPageLinesWithTheRetry()
    {
        var picture = TestData.Bytes(12_000, seed: 61);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/robots.txt", (context, _) => context.Response.WriteAsync("User-agent: *\nAllow: /\n"));
        server.Map("/page.html", async (context, hit) =>
        {
            if (hit == 1)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "1";
                return;
            }

            context.Response.ContentType = "text/html";
            await context.Response.WriteAsync("<html><head><link rel=stylesheet href=/s.css></head><body></body></html>");
        });
        server.Map("/s.css", (context, _) =>
        {
            context.Response.ContentType = "text/css";
            return context.Response.WriteAsync("body { background: url(/bg.jpg) }");
        });
        server.Map("/bg.jpg", async (context, _) =>
        {
            context.Response.ContentType = "image/jpeg";
            await server.ServeAsync(context, picture);
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/page.html"), "-d", temp.Out, "--layout", "flat", "-v", "--progress", "none");

        run.ExitCode.ShouldBe(0, run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "bg.jpg")).ShouldBe(TestData.Sha256(picture));
        var lines = run.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        foreach (var path in new[] { "/robots.txt", "/page.html", "/s.css", "/bg.jpg" })
        {
            lines.ShouldContain(line => line.StartsWith("haul: #", StringComparison.Ordinal) && line.EndsWith($" GET {server.Url(path)}", StringComparison.Ordinal), run.Error);
            lines.ShouldContain(line => line.StartsWith("haul: #", StringComparison.Ordinal) && line.Contains($" 200 OK from {server.Url(path)} after ", StringComparison.Ordinal), run.Error);
        }

        lines.ShouldContain(
            line => line.StartsWith("haul: #", StringComparison.Ordinal) && line.Contains(" attempt 1 failed (http): ", StringComparison.Ordinal)
                && line.Contains("503") && line.Contains(server.Url("/page.html")) && line.EndsWith("Retrying in 1 s.", StringComparison.Ordinal),
            run.Error);
    }
}
