using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Crawling;

/// <summary>A page that cannot be fetched is a failed result of type page: a line, a count, exit 1.</summary>
public sealed class CrawlPageFailureTests
{
    [Fact]
    public async Task Crawl_StartPageNotFound_FailsWithPageLineAndExitOne()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/missing.html"), "-d", temp.Out, "--json");

        run.ExitCode.ShouldBe(1, run.Error);
        var line = run.JsonLines.ShouldHaveSingleItem();
        line.GetProperty("type").GetString().ShouldBe("page");
        line.GetProperty("url").GetString().ShouldBe(server.Url("/missing.html"));
        line.GetProperty("status").GetString().ShouldBe("failed");
        line.GetProperty("error").GetProperty("kind").GetString().ShouldBe("http");
        line.GetProperty("error").GetProperty("status").GetInt32().ShouldBe(404);

        // A 404 is not transient: asked once.
        server.Hits("/missing.html").ShouldBe(1);
    }

    [Fact]
    public async Task Crawl_StartPageNotFound_PlainSummaryCountsItFailed()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/missing.html"), "-d", temp.Out, "--progress", "plain");

        run.ExitCode.ShouldBe(1, run.Error);
        run.Error.ShouldContain($"page http: 404 Not Found from {server.Url("/missing.html")}");
        run.Error.ShouldContain("0 done, 0 skipped, 1 failed");
    }

    [Fact]
    public async Task Crawl_StartPageRefused_FailsWithConnectKindAfterItsRetries()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", $"http://127.0.0.1:{port}/", "-d", temp.Out, "--json", "--retries", "1", "--retry-wait", "0", "--ignore-robots");

        run.ExitCode.ShouldBe(1, run.Error);
        var line = run.JsonLines.ShouldHaveSingleItem();
        line.GetProperty("type").GetString().ShouldBe("page");
        line.GetProperty("error").GetProperty("kind").GetString().ShouldBe("connect");
    }

    [Fact]
    public async Task Crawl_StartPageUnknownHost_FailsWithDnsKind()
    {
        using var temp = new TempDirectory();

        // robots.txt is the first request: its host not found, the page fails with that error.
        var run = await CliRun.RunAsync("crawl", "http://no-such-host.invalid/", "-d", temp.Out, "--json", "--retries", "0");

        run.ExitCode.ShouldBe(1, run.Error);
        var line = run.JsonLines.ShouldHaveSingleItem();
        line.GetProperty("type").GetString().ShouldBe("page");
        line.GetProperty("error").GetProperty("kind").GetString().ShouldBe("dns");
    }

    [Fact]
    public async Task Crawl_StartPageUnknownHostIgnoringRobots_FailsWithDnsKind()
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", "http://no-such-host.invalid/", "-d", temp.Out, "--progress", "plain", "--retries", "0", "--ignore-robots");

        run.ExitCode.ShouldBe(1, run.Error);
        run.Error.ShouldContain("page dns:");
        run.Error.ShouldContain("no-such-host.invalid");
    }

    [Fact]
    public async Task Crawl_PageStallsMidBody_FailsAfterTimeout()
    {
        await using var server = await LoopbackServer.StartAsync();
        var html = "<html><body><img src=/a.jpg>"u8.ToArray().Concat(new byte[4000]).ToArray();
        server.Map("/", (context, _) =>
        {
            context.Response.ContentType = "text/html";

            // Half the page, then silence until the client hangs up.
            return server.ServeThenStallAsync(context, html, 100);
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/"), "-d", temp.Out, "--json", "--timeout", "0.5", "--retries", "0");

        run.ExitCode.ShouldBe(1, run.Error);
        var line = run.JsonLines.ShouldHaveSingleItem();
        line.GetProperty("type").GetString().ShouldBe("page");
        line.GetProperty("error").GetProperty("kind").GetString().ShouldBe("timeout");
        server.Hits("/a.jpg").ShouldBe(0);
    }

    [Fact]
    public async Task Crawl_PageFailsThenRecovers_RetriedAndItsPicturesSaved()
    {
        await using var server = await LoopbackServer.StartAsync();
        var picture = TestData.Bytes(3000, seed: 9120);
        server.Map("/", (context, hit) =>
        {
            if (hit == 1)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                return Task.CompletedTask;
            }

            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync("<img src=/a.jpg>");
        });
        server.Map("/a.jpg", (context, _) =>
        {
            context.Response.ContentType = "image/jpeg";
            return server.ServeAsync(context, picture);
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/"), "-d", temp.Out, "--json", "--retries", "1", "--retry-wait", "0", "--layout", "flat");

        run.ExitCode.ShouldBe(0, run.Error);
        var line = run.JsonLines.ShouldHaveSingleItem();
        line.GetProperty("type").GetString().ShouldBe("file");
        line.GetProperty("status").GetString().ShouldBe("ok");
        TestData.FileSha256(Path.Combine(temp.Out, "a.jpg")).ShouldBe(TestData.Sha256(picture));
        server.Hits("/").ShouldBe(2);
    }
}
