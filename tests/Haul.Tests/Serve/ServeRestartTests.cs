using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Serve;

/// <summary>The queue lives in the journal: a daemon killed with SIGKILL and started again finishes it, same gids.</summary>
public sealed class ServeRestartTests
{
    [Fact]
    public async Task Restart_AfterSigkillMidDownload_QueueFinishesWithExactBytesAndPausedStaysPaused()
    {
        using var temp = new TempDirectory();
        await using var files = await LoopbackServer.StartAsync();
        var big = RandomNumberGenerator.GetBytes(3 * 1024 * 1024);
        var small = RandomNumberGenerator.GetBytes(50_000);
        const int Cut = 1536 * 1024;
        files.Map("/big.bin", async (context, hit) =>
        {
            if (hit == 1)
            {
                LoopbackServer.StartReply(context, big.Length);
                await files.WriteBodyAsync(context, big.AsMemory(0, Cut));
                await context.Response.Body.FlushAsync();
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }

            await files.ServeAsync(context, big);
        });
        files.MapFile("/small.bin", small);
        files.MapFile("/later.bin", small);

        string bigGid, pausedGid, laterGid;
        await using (var first = await ServeHost.StartProcessAsync(temp.Out, "--rpc-secret", "k", "-j", "1"))
        {
            using var rpc = new RpcClient(first.RpcUrl, "k");
            bigGid = await rpc.AddUriAsync(files.Url("/big.bin"));
            pausedGid = await rpc.AddUriAsync(files.Url("/small.bin"), new JsonObject { ["pause"] = "true" });
            laterGid = await rpc.AddUriAsync(files.Url("/later.bin"), new JsonObject { ["out"] = "later-copy.bin" });
            await Eventually.FileReachesAsync(Path.Combine(temp.Out, "big.bin.part"), Cut);
            (await rpc.StatusAsync(laterGid)).ShouldBe("waiting");

            first.Process!.KillHard();
            await first.Process.WaitForExitAsync();
        }

        await using var second = await ServeHost.StartProcessAsync(temp.Out, "--rpc-secret", "k", "-j", "1");
        using var again = new RpcClient(second.RpcUrl, "k");
        await again.WaitForStatusAsync(bigGid, "complete");
        await again.WaitForStatusAsync(laterGid, "complete");
        (await again.StatusAsync(pausedGid)).ShouldBe("paused");
        files.Hits("/small.bin").ShouldBe(0);
        await again.ResultAsync("aria2.unpause", pausedGid);
        await again.WaitForStatusAsync(pausedGid, "complete");

        ServeDownloadTests.Sha256(Path.Combine(temp.Out, "big.bin")).ShouldBe(ServeDownloadTests.Sha256(big));
        ServeDownloadTests.Sha256(Path.Combine(temp.Out, "small.bin")).ShouldBe(ServeDownloadTests.Sha256(small));
        ServeDownloadTests.Sha256(Path.Combine(temp.Out, "later-copy.bin")).ShouldBe(ServeDownloadTests.Sha256(small));
        var bigRequests = files.Requests.Where(request => request.Path == "/big.bin").Select(request => request.Range).ToList();
        bigRequests.Count.ShouldBe(2);
        bigRequests[1].ShouldNotBeNull().ShouldStartWith("bytes=");
        bigRequests[1].ShouldNotBe("bytes=0-");
    }

    [Fact]
    public async Task Restart_AfterSigtermWithActiveAndPaused_BothResumeWithRangeAndPausedWaitsForUnpause()
    {
        using var temp = new TempDirectory();
        await using var files = await LoopbackServer.StartAsync();
        var big = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        var mid = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        const int Cut = 512 * 1024;
        Func<Microsoft.AspNetCore.Http.HttpContext, int, Task> Held(byte[] content) => async (context, hit) =>
        {
            if (hit == 1)
            {
                LoopbackServer.StartReply(context, content.Length);
                await files.WriteBodyAsync(context, content.AsMemory(0, Cut));
                await context.Response.Body.FlushAsync();
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            }

            await files.ServeAsync(context, content);
        };
        files.Map("/big.bin", Held(big));
        files.Map("/mid.bin", Held(mid));

        string bigGid, midGid;
        await using (var first = await ServeHost.StartProcessAsync(temp.Out, "-j", "2"))
        {
            using var rpc = new RpcClient(first.RpcUrl);
            bigGid = await rpc.AddUriAsync(files.Url("/big.bin"));
            midGid = await rpc.AddUriAsync(files.Url("/mid.bin"));
            await Eventually.FileReachesAsync(Path.Combine(temp.Out, "big.bin.part"), Cut);
            await Eventually.FileReachesAsync(Path.Combine(temp.Out, "mid.bin.part"), Cut);
            await rpc.ResultAsync("aria2.pause", midGid);
            await rpc.WaitForStatusAsync(midGid, "paused");

            first.Process!.Terminate();
            (await first.Process.WaitForExitAsync()).ShouldBe(130);
        }

        await using var second = await ServeHost.StartProcessAsync(temp.Out, "-j", "2");
        using var again = new RpcClient(second.RpcUrl);
        await again.WaitForStatusAsync(bigGid, "complete");
        (await again.StatusAsync(midGid)).ShouldBe("paused");
        files.Hits("/mid.bin").ShouldBe(1);
        await again.ResultAsync("aria2.unpause", midGid);
        await again.WaitForStatusAsync(midGid, "complete");

        ServeDownloadTests.Sha256(Path.Combine(temp.Out, "big.bin")).ShouldBe(ServeDownloadTests.Sha256(big));
        ServeDownloadTests.Sha256(Path.Combine(temp.Out, "mid.bin")).ShouldBe(ServeDownloadTests.Sha256(mid));
        foreach (var path in new[] { "/big.bin", "/mid.bin" })
        {
            var ranges = files.Requests.Where(request => request.Path == path).Select(request => request.Range).ToList();
            ranges.Count.ShouldBe(2);
            ranges[1].ShouldNotBeNull().ShouldStartWith("bytes=");
            ranges[1].ShouldNotBe("bytes=0-");
        }
    }

    [Fact]
    public async Task Stop_CtrlC_ExitsWith130AndKeepsThePart()
    {
        using var temp = new TempDirectory();
        await using var files = await LoopbackServer.StartAsync();
        var big = RandomNumberGenerator.GetBytes(2 * 1024 * 1024);
        files.Map("/big.bin", async (context, _) =>
        {
            LoopbackServer.StartReply(context, big.Length);
            await files.WriteBodyAsync(context, big.AsMemory(0, 100_000));
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        var daemon = await ServeHost.StartProcessAsync(temp.Out);
        await using var _ = daemon;
        using var rpc = new RpcClient(daemon.RpcUrl);
        var gid = await rpc.AddUriAsync(files.Url("/big.bin"));
        await Eventually.FileReachesAsync(Path.Combine(temp.Out, "big.bin.part"), 100_000);

        (await daemon.StopAsync()).ShouldBe(130);

        new FileInfo(Path.Combine(temp.Out, "big.bin.part")).Length.ShouldBe(100_000);
        daemon.Error.ShouldNotContain("Exception");
        gid.ShouldMatch("^[0-9a-f]{16}$");
    }
}
