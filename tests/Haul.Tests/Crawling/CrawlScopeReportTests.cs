using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Crawling;

public sealed class CrawlScopeReportTests
{
    [Fact]
    public async Task Crawl_PicturesOutsidePrefix_ReportedAsSkippedWithOneSummaryLine()
    {
        await using var server = await LoopbackServer.StartAsync();
        var inside = TestData.Bytes(2100, seed: 4100);
        server.Map("/gallery/index.html", (context, _) =>
        {
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync("""
                <img src="/gallery/in.jpg"><img src="/headshots/1.jpg"><img src="/headshots/2.jpg">
                <img src="/headshots/3.jpg"><a href="/headshots/1.jpg">again</a>
                """);
        });
        server.Map("/gallery/in.jpg", (context, _) =>
        {
            context.Response.ContentType = "image/jpeg";
            return server.ServeAsync(context, inside);
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/gallery/index.html"), "-d", temp.Out, "--scope", "prefix", "--layout", "flat", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "in.jpg")).ShouldBe(TestData.Sha256(inside));
        var skipped = run.JsonLines.Where(line => line.GetProperty("status").GetString() == "skipped").ToList();
        skipped.Select(line => line.GetProperty("url").GetString()).Order(StringComparer.Ordinal)
            .ShouldBe([server.Url("/headshots/1.jpg"), server.Url("/headshots/2.jpg"), server.Url("/headshots/3.jpg")]);
        skipped.ShouldAllBe(line => line.GetProperty("note").GetString() == "outside --scope prefix; --scope host takes it");
        run.Error.ShouldContain("haul: 3 pictures outside --scope prefix; --scope host takes them");
        server.Hits("/headshots/1.jpg").ShouldBe(0);
    }

    [Fact]
    public async Task Crawl_StartPageRedirectsToAnotherHost_FailsWithKindScope()
    {
        await using var start = await LoopbackServer.StartAsync();
        await using var elsewhere = await LoopbackServer.StartAsync();
        start.Map("/", (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = elsewhere.Url("/landing.html");
            return Task.CompletedTask;
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", start.Url("/"), "-d", temp.Out, "--json");

        run.ExitCode.ShouldBe(1, run.Error);
        var line = run.JsonLines.ShouldHaveSingleItem();
        line.GetProperty("url").GetString().ShouldBe(start.Url("/"));
        line.GetProperty("status").GetString().ShouldBe("failed");
        line.GetProperty("error").GetProperty("kind").GetString().ShouldBe("scope");
        line.GetProperty("error").GetProperty("message").GetString()!.ShouldContain("--scope domain");
        elsewhere.Requests.ShouldBeEmpty();
    }
}
