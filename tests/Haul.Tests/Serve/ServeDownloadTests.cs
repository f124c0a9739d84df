using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Serve;

/// <summary>Downloads driven over the RPC: bytes on disk, pause and resume with Range, remove, the queue's order and limit.</summary>
public sealed class ServeDownloadTests
{
    [Fact]
    public async Task AddUri_FileServed_CompletesWithExactBytes()
    {
        using var temp = new TempDirectory();
        await using var files = await LoopbackServer.StartAsync();
        var content = RandomNumberGenerator.GetBytes(300_000);
        files.MapFile("/a.bin", content);
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        using var rpc = new RpcClient(daemon.RpcUrl);

        var gid = await rpc.AddUriAsync(files.Url("/a.bin"), new JsonObject { ["out"] = "sub/b.bin" });
        await rpc.WaitForStatusAsync(gid, "complete");

        gid.ShouldMatch("^[0-9a-f]{16}$");
        var path = Path.Combine(temp.Out, "sub", "b.bin");
        Sha256(path).ShouldBe(Sha256(content));
        var status = await rpc.ResultAsync("aria2.tellStatus", gid);
        status.GetProperty("totalLength").GetString().ShouldBe("300000");
        status.GetProperty("completedLength").GetString().ShouldBe("300000");
        status.GetProperty("files")[0].GetProperty("path").GetString().ShouldBe(path);
        status.GetProperty("errorCode").GetString().ShouldBe("0");
    }

    [Fact]
    public async Task PauseThenUnpause_ActiveDownload_ResumesWithRangeAndExactBytes()
    {
        using var temp = new TempDirectory();
        await using var files = await LoopbackServer.StartAsync();
        var content = RandomNumberGenerator.GetBytes(400_000);
        const int Half = 150_000;
        var first = new TaskCompletionSource();
        files.Map("/slow.bin", async (context, hit) =>
        {
            if (hit == 1)
            {
                LoopbackServer.StartReply(context, content.Length);
                await files.WriteBodyAsync(context, content.AsMemory(0, Half));
                await context.Response.Body.FlushAsync();

                // Stalls until the client goes away (the pause).
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }

            await files.ServeAsync(context, content);
        });
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        using var rpc = new RpcClient(daemon.RpcUrl);

        var gid = await rpc.AddUriAsync(files.Url("/slow.bin"));
        await Eventually.FileReachesAsync(Path.Combine(temp.Out, "slow.bin.part"), Half);
        (await rpc.ResultAsync("aria2.pause", gid)).GetString().ShouldBe(gid);
        (await rpc.StatusAsync(gid)).ShouldBe("paused");
        (await rpc.ResultAsync("aria2.unpause", gid)).GetString().ShouldBe(gid);
        await rpc.WaitForStatusAsync(gid, "complete");

        Sha256(Path.Combine(temp.Out, "slow.bin")).ShouldBe(Sha256(content));
        files.Requests.Where(request => request.Path == "/slow.bin").Select(request => request.Range)
            .ShouldBe([null, $"bytes={Half}-"]);
    }

    [Fact]
    public async Task Remove_WaitingDownload_StopsAsRemovedAndNothingIsFetched()
    {
        using var temp = new TempDirectory();
        await using var files = await LoopbackServer.StartAsync();
        files.MapFile("/x.bin", [1, 2, 3]);
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        using var rpc = new RpcClient(daemon.RpcUrl);

        var gid = await rpc.AddUriAsync(files.Url("/x.bin"), new JsonObject { ["pause"] = "true" });
        (await rpc.StatusAsync(gid)).ShouldBe("paused");
        (await rpc.ResultAsync("aria2.remove", gid)).GetString().ShouldBe(gid);

        (await rpc.StatusAsync(gid)).ShouldBe("removed");
        files.Hits("/x.bin").ShouldBe(0);
        (await rpc.ErrorAsync("aria2.pause", gid)).GetProperty("message").GetString().ShouldBe($"GID#{gid} cannot be paused now");
        (await rpc.ResultAsync("aria2.removeDownloadResult", gid)).GetString().ShouldBe("OK");
        (await rpc.ErrorAsync("aria2.tellStatus", gid)).GetProperty("message").GetString().ShouldBe($"GID {gid} is not found");
    }

    [Fact]
    public async Task TellWaiting_ChangePosition_OrdersTheQueueAndStartsInThatOrder()
    {
        using var temp = new TempDirectory();
        await using var files = await LoopbackServer.StartAsync();
        var order = new System.Collections.Concurrent.ConcurrentQueue<string>();
        foreach (var name in new[] { "a", "b", "c" })
        {
            files.Map($"/{name}.bin", async (context, _) =>
            {
                order.Enqueue(name);
                await files.ServeAsync(context, [(byte)name[0]]);
            });
        }

        await using var daemon = await ServeHost.StartAsync(temp.Out, "-j", "1");
        using var rpc = new RpcClient(daemon.RpcUrl);
        (await rpc.ResultAsync("aria2.pauseAll")).GetString().ShouldBe("OK");
        var a = await rpc.AddUriAsync(files.Url("/a.bin"), new JsonObject { ["pause"] = "true" });
        var b = await rpc.AddUriAsync(files.Url("/b.bin"), new JsonObject { ["pause"] = "true" });
        var c = await rpc.AddUriAsync(files.Url("/c.bin"), new JsonObject { ["pause"] = "true" });

        (await rpc.ResultAsync("aria2.changePosition", c, 0, "POS_SET")).GetInt32().ShouldBe(0);
        (await rpc.ResultAsync("aria2.changePosition", a, -1, "POS_END")).GetInt32().ShouldBe(1);
        var waiting = await rpc.ResultAsync("aria2.tellWaiting", 0, 1000, new JsonArray("gid"));
        waiting.EnumerateArray().Select(item => item.GetProperty("gid").GetString()).ShouldBe([c, a, b]);
        var last = await rpc.ResultAsync("aria2.tellWaiting", -1, 2, new JsonArray("gid"));
        last.EnumerateArray().Select(item => item.GetProperty("gid").GetString()).ShouldBe([b, a]);

        (await rpc.ResultAsync("aria2.unpauseAll")).GetString().ShouldBe("OK");
        foreach (var gid in new[] { a, b, c })
        {
            await rpc.WaitForStatusAsync(gid, "complete");
        }

        order.ShouldBe(["c", "a", "b"]);
    }

    [Fact]
    public async Task ChangeGlobalOption_MaxConcurrentDownloads_StartsMoreAtOnce()
    {
        using var temp = new TempDirectory();
        await using var files = await LoopbackServer.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        foreach (var name in new[] { "a", "b" })
        {
            files.Map($"/{name}.bin", async (context, _) =>
            {
                await release.Task;
                await files.ServeAsync(context, [1]);
            });
        }

        await using var daemon = await ServeHost.StartAsync(temp.Out, "-j", "1");
        using var rpc = new RpcClient(daemon.RpcUrl);
        var a = await rpc.AddUriAsync(files.Url("/a.bin"));
        var b = await rpc.AddUriAsync(files.Url("/b.bin"));
        (await rpc.StatusAsync(a)).ShouldBe("active");
        (await rpc.StatusAsync(b)).ShouldBe("waiting");

        (await rpc.ResultAsync("aria2.changeGlobalOption", new JsonObject { ["max-concurrent-downloads"] = "2" })).GetString().ShouldBe("OK");

        (await rpc.StatusAsync(b)).ShouldBe("active");
        (await rpc.ResultAsync("aria2.getGlobalOption")).GetProperty("max-concurrent-downloads").GetString().ShouldBe("2");
        release.SetResult();
        await rpc.WaitForStatusAsync(a, "complete");
        await rpc.WaitForStatusAsync(b, "complete");
    }

    [Fact]
    public async Task AddUri_ServerAnswers404_ErrorWithAria2CodeAndHaulKind()
    {
        using var temp = new TempDirectory();
        await using var files = await LoopbackServer.StartAsync();
        files.Map("/gone.bin", (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        using var rpc = new RpcClient(daemon.RpcUrl);

        var gid = await rpc.AddUriAsync(files.Url("/gone.bin"));
        await rpc.WaitForStatusAsync(gid, "error");

        var status = await rpc.ResultAsync("aria2.tellStatus", gid);
        status.GetProperty("errorCode").GetString().ShouldBe("3");
        status.GetProperty("errorKind").GetString().ShouldBe("http");
        status.GetProperty("errorMessage").GetString()!.ShouldContain("404");
        var stat = await rpc.ResultAsync("aria2.getGlobalStat");
        stat.GetProperty("numStopped").GetString().ShouldBe("1");
    }

    internal static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    internal static string Sha256(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
