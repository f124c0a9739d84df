using System.Security.Cryptography;
using Haul.Errors;
using Haul.Http;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Http;

public sealed class RobotsTagTests
{
    private static readonly byte[] Body = [1, 2, 3, 4, 5];
    private static readonly string BodySha256 = Convert.ToHexStringLower(SHA256.HashData(Body));

    [Theory]
    [InlineData("noai")]
    [InlineData("noindex, NoImageAI")]
    [InlineData("img2dataset: noai")]
    [InlineData("haul: noimageai")]
    public async Task Download_DisallowedDirective_FailsWithScopeAndNoFile(string header)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/p.jpg", (context, _) =>
        {
            context.Response.Headers["X-Robots-Tag"] = header;
            return server.ServeAsync(context, Body);
        });
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(Options(temp.Out), new DownloadRequest(server.Url("/p.jpg")));

        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error.ShouldBeOfType<ScopeException>().Kind.ShouldBe(ErrorKind.Scope);
        result.Error!.Message.ShouldBe($"{server.Url("/p.jpg")} was refused: its reply says X-Robots-Tag: {header.Split(':')[^1].Split(',')[^1].Trim().ToLowerInvariant()}.");
        result.Attempts.ShouldBe(1);
        File.Exists(Path.Combine(temp.Out, "p.jpg")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("otherbot: noai")]
    [InlineData("noindex")]
    [InlineData("unavailable_after: 25 Jun 2010 15:00:00 PST")]
    public async Task Download_DirectiveNotForUsOrNotDisallowed_Saved(string header)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/p.jpg", (context, _) =>
        {
            context.Response.Headers["X-Robots-Tag"] = header;
            return server.ServeAsync(context, Body);
        });
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(Options(temp.Out), new DownloadRequest(server.Url("/p.jpg")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        Convert.ToHexStringLower(SHA256.HashData(await File.ReadAllBytesAsync(result.Path!, TestContext.Current.CancellationToken))).ShouldBe(BodySha256);
    }

    [Fact]
    public async Task Download_NoDirectivesConfigured_NoaiReplySaved()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/p.jpg", (context, _) =>
        {
            context.Response.Headers["X-Robots-Tag"] = "noai";
            return server.ServeAsync(context, Body);
        });
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new DownloadRequest(server.Url("/p.jpg")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        result.Sha256.ShouldBe(BodySha256);
    }

    [Fact]
    public async Task Download_RedirectThenNoaiTarget_RefusedUnderTheRequestedUrl()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/a", (context, _) =>
        {
            context.Response.Headers["X-Robots-Tag"] = "noindex";
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = "/b";
            return Task.CompletedTask;
        });
        server.Map("/b", (context, _) =>
        {
            context.Response.Headers["X-Robots-Tag"] = "noai";
            return server.ServeAsync(context, Body);
        });
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(Options(temp.Out), new DownloadRequest(server.Url("/a")));

        result.Error.ShouldBeOfType<ScopeException>().Message.ShouldBe($"{server.Url("/a")} was refused: its reply says X-Robots-Tag: noai.");
        server.Hits("/b").ShouldBe(1);
    }

    [Fact]
    public async Task Download_RedirectCarryingNoaiToACleanTarget_Saved()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/a", (context, _) =>
        {
            context.Response.Headers["X-Robots-Tag"] = "noai";
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = "/b";
            return Task.CompletedTask;
        });
        server.MapFile("/b", Body);
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(Options(temp.Out), new DownloadRequest(server.Url("/a")) { OutName = "b.jpg" });

        result.Status.ShouldBe(DownloadStatus.Ok);
        result.Sha256.ShouldBe(BodySha256);
    }

    [Fact]
    public async Task Download_NotFoundWithNoai_StaysAnHttpFailure()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/p.jpg", (context, _) =>
        {
            context.Response.Headers["X-Robots-Tag"] = "noai";
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(Options(temp.Out), new DownloadRequest(server.Url("/p.jpg")));

        result.Error.ShouldBeOfType<HttpStatusException>().StatusCode.ShouldBe(404);
    }

    private static DownloadOptions Options(string directory)
    {
        var options = DownloaderHarness.Options(directory);
        return options with { Http = options.Http with { DisallowedHeaderDirectives = ["noai", "noimageai"] } };
    }
}
