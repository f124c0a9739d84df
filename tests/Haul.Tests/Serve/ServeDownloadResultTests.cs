using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Serve;

/// <summary>aria2's <c>max-download-result</c>: the stopped list keeps the newest results, in memory and in the journal.</summary>
public sealed class ServeDownloadResultTests
{
    [Fact]
    public async Task MaxDownloadResult_MoreFinishedThanKept_OldestDroppedAlsoAfterRestartAndChangeable()
    {
        using var temp = new TempDirectory();
        await using var files = await LoopbackServer.StartAsync();
        var content = RandomNumberGenerator.GetBytes(20_000);
        foreach (var name in new[] { "/a.bin", "/b.bin", "/c.bin" })
        {
            files.MapFile(name, content);
        }

        var gids = new List<string>();
        var first = await ServeHost.StartAsync(temp.Out, "-j", "1", "--max-download-result", "2");
        await using (first)
        {
            using var rpc = new RpcClient(first.RpcUrl);
            foreach (var name in new[] { "/a.bin", "/b.bin", "/c.bin" })
            {
                var gid = await rpc.AddUriAsync(files.Url(name));
                await rpc.WaitForStatusAsync(gid, "complete");
                gids.Add(gid);
            }

            Gids(await rpc.ResultAsync("aria2.tellStopped", 0, 100, new JsonArray("gid"))).ShouldBe([gids[1], gids[2]]);
            (await rpc.ErrorAsync("aria2.tellStatus", gids[0])).GetProperty("message").GetString()!.ShouldContain(gids[0]);
            await first.StopAsync();
        }

        await using var second = await ServeHost.StartAsync(temp.Out, "-j", "1", "--max-download-result", "2");
        using var again = new RpcClient(second.RpcUrl);
        Gids(await again.ResultAsync("aria2.tellStopped", 0, 100, new JsonArray("gid"))).ShouldBe([gids[1], gids[2]]);

        await again.ResultAsync("aria2.changeGlobalOption", new JsonObject { ["max-download-result"] = "1" });

        Gids(await again.ResultAsync("aria2.tellStopped", 0, 100, new JsonArray("gid"))).ShouldBe([gids[2]]);
        (await again.ResultAsync("aria2.getGlobalOption")).GetProperty("max-download-result").GetString().ShouldBe("1");
        (await again.ErrorAsync("aria2.changeGlobalOption", new JsonObject { ["max-download-result"] = "-1" })).GetProperty("message").GetString()!.ShouldContain("max-download-result");
        ServeDownloadTests.Sha256(Path.Combine(temp.Out, "c.bin")).ShouldBe(ServeDownloadTests.Sha256(content));
    }

    private static List<string> Gids(System.Text.Json.JsonElement list) =>
        [.. list.EnumerateArray().Select(item => item.GetProperty("gid").GetString()!)];
}
