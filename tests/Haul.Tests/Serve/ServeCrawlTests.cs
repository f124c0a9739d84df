using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Serve;

/// <summary><c>haul.addCrawl</c>: a crawl run by the daemon whose pictures appear as downloads.</summary>
public sealed class ServeCrawlTests
{
    [Fact]
    public async Task AddCrawl_PageWithPictures_PicturesSavedAndListedAsCompleteDownloads()
    {
        using var temp = new TempDirectory();
        await using var site = await LoopbackServer.StartAsync();
        var a = RandomNumberGenerator.GetBytes(3000);
        var b = RandomNumberGenerator.GetBytes(4000);
        site.Map("/", (context, _) =>
        {
            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync("""<html><body><img src="/a.jpg"><img src="/b.png"></body></html>""");
        });
        site.Map("/a.jpg", (context, _) =>
        {
            context.Response.ContentType = "image/jpeg";
            return context.Response.Body.WriteAsync(a).AsTask();
        });
        site.Map("/b.png", (context, _) =>
        {
            context.Response.ContentType = "image/png";
            return context.Response.Body.WriteAsync(b).AsTask();
        });
        await using var daemon = await ServeHost.StartAsync(temp.Out, "--rpc-secret", "c");
        using var rpc = new RpcClient(daemon.RpcUrl, "c");

        var id = (await rpc.ResultAsync("haul.addCrawl", new JsonArray(site.Url("/")), new JsonObject { ["depth"] = "0", ["dir"] = "pics" })).GetString()!;
        var stopped = new List<(string Status, string Path)>();
        await Eventually.TrueAsync(() =>
        {
            var list = rpc.ResultAsync("aria2.tellStopped", 0, 100).GetAwaiter().GetResult();
            stopped = [.. list.EnumerateArray().Select(item => (item.GetProperty("status").GetString()!, item.GetProperty("files")[0].GetProperty("path").GetString()!))];
            return stopped.Count == 2;
        }, "the crawl's two pictures to be listed");

        id.ShouldMatch("^[0-9a-f]{16}$");
        var folder = Path.Combine(temp.Out, "pics", $"127.0.0.1_{site.BaseUri.Port}");
        stopped.OrderBy(item => item.Path, StringComparer.Ordinal).ShouldBe([("complete", Path.Combine(folder, "a.jpg")), ("complete", Path.Combine(folder, "b.png"))]);
        ServeDownloadTests.Sha256(Path.Combine(folder, "a.jpg")).ShouldBe(ServeDownloadTests.Sha256(a));
        ServeDownloadTests.Sha256(Path.Combine(folder, "b.png")).ShouldBe(ServeDownloadTests.Sha256(b));
        (await rpc.ErrorAsync("haul.addCrawl", new JsonArray(site.Url("/")), new JsonObject { ["dir"] = "../out2" }))
            .GetProperty("message").GetString()!.ShouldStartWith("We encountered a problem while processing the option '--dir'");
    }
}
