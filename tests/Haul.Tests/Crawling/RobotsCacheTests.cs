using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Crawling;

/// <summary>robots.txt through the crawl's fetch path: redirects followed (RFC 9309, up to five), failures mapped.</summary>
public sealed class RobotsCacheTests
{
    [Fact]
    public async Task Crawl_RobotsRedirected_RulesAtTargetObeyed()
    {
        await using var server = await LoopbackServer.StartAsync();
        var picture = TestData.Bytes(2000, seed: 9130);
        server.Map("/robots.txt", Redirect("/rules/robots-v2.txt"));
        server.Map("/rules/robots-v2.txt", (context, _) => context.Response.WriteAsync("User-agent: *\nDisallow: /private/\n"));
        MapSite(server, picture);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/"), "-d", temp.Out, "--depth", "1", "--layout", "flat", "-q");

        run.ExitCode.ShouldBe(0, run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "open.jpg")).ShouldBe(TestData.Sha256(picture));
        server.Hits("/rules/robots-v2.txt").ShouldBe(1);
        server.Hits("/private/secret.html").ShouldBe(0);
    }

    [Fact]
    public async Task Crawl_RobotsRedirectedFiveTimes_StillObeyed()
    {
        await using var server = await LoopbackServer.StartAsync();
        var picture = TestData.Bytes(2000, seed: 9131);
        server.Map("/robots.txt", Redirect("/r1"));
        for (var hop = 1; hop < 5; hop++)
        {
            server.Map($"/r{hop}", Redirect($"/r{hop + 1}"));
        }

        server.Map("/r5", (context, _) => context.Response.WriteAsync("User-agent: *\nDisallow: /private/\n"));
        MapSite(server, picture);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/"), "-d", temp.Out, "--depth", "1", "--layout", "flat", "-q");

        run.ExitCode.ShouldBe(0, run.Error);
        server.Hits("/r5").ShouldBe(1);
        server.Hits("/private/secret.html").ShouldBe(0);
    }

    [Fact]
    public async Task Crawl_RobotsRedirectedSixTimes_UnavailableSoAllowed()
    {
        await using var server = await LoopbackServer.StartAsync();
        var picture = TestData.Bytes(2000, seed: 9132);
        server.Map("/robots.txt", Redirect("/r1"));
        for (var hop = 1; hop < 6; hop++)
        {
            server.Map($"/r{hop}", Redirect($"/r{hop + 1}"));
        }

        server.Map("/r6", (context, _) => context.Response.WriteAsync("User-agent: *\nDisallow: /private/\n"));
        MapSite(server, picture);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/"), "-d", temp.Out, "--depth", "1", "--layout", "flat", "-q");

        // RFC 9309 2.3.1.2: past five redirects robots.txt may be taken as unavailable, which allows all.
        run.ExitCode.ShouldBe(0, run.Error);
        server.Hits("/r6").ShouldBe(0);
        server.Hits("/private/secret.html").ShouldBe(1);
    }

    [Fact]
    public async Task Crawl_RobotsServerError_DisallowsHostAfterRetries()
    {
        await using var server = await LoopbackServer.StartAsync();
        var picture = TestData.Bytes(2000, seed: 9133);
        server.Map("/robots.txt", (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status500InternalServerError;
            return Task.CompletedTask;
        });
        MapSite(server, picture);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/"), "-d", temp.Out, "--depth", "1", "--json", "--retries", "1", "--retry-wait", "0");

        // The start page is not fetched, and that is a failure of the page, not the site's choice.
        run.ExitCode.ShouldBe(1, run.Error);
        var line = run.JsonLines.ShouldHaveSingleItem();
        line.GetProperty("type").GetString().ShouldBe("page");
        line.GetProperty("url").GetString().ShouldBe(server.Url("/"));
        line.GetProperty("error").GetProperty("status").GetInt32().ShouldBe(500);
        line.GetProperty("error").GetProperty("message").GetString()!.ShouldContain("robots.txt");
        server.Hits("/robots.txt").ShouldBe(2);
        server.Hits("/").ShouldBe(0);
        temp.AllFiles().ShouldBeEmpty();
    }

    private static void MapSite(LoopbackServer server, byte[] picture)
    {
        server.Map("/", (context, _) =>
        {
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync("<img src=/open.jpg><a href=/private/secret.html>secret</a>");
        });
        server.Map("/private/secret.html", (context, _) =>
        {
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync("<img src=/open.jpg>");
        });
        server.Map("/open.jpg", (context, _) =>
        {
            context.Response.ContentType = "image/jpeg";
            return server.ServeAsync(context, picture);
        });
    }

    private static Func<HttpContext, int, Task> Redirect(string to) => (context, _) =>
    {
        context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
        context.Response.Headers.Location = to;
        return Task.CompletedTask;
    };
}
