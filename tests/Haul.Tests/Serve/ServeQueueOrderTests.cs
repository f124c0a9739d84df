using System.Text.Json.Nodes;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Serve;

/// <summary>The waiting queue comes back from the journal in the order it had.</summary>
public sealed class ServeQueueOrderTests
{
    [Fact]
    public async Task Restart_AfterDownloadsAheadLeftTheQueue_WaitingOrderKept()
    {
        using var temp = new TempDirectory();
        await using var files = await LoopbackServer.StartAsync();
        files.Map("/held.bin", async (context, _) =>
        {
            LoopbackServer.StartReply(context, 1_000_000);
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });

        string e, f;
        var first = await ServeHost.StartAsync(temp.Out, "-j", "1");
        await using (first)
        {
            using var rpc = new RpcClient(first.RpcUrl);
            var held = await rpc.AddUriAsync(files.Url("/held.bin"));
            await rpc.WaitForStatusAsync(held, "active");
            var x = await rpc.AddUriAsync(files.Url("/x.bin"));
            var y = await rpc.AddUriAsync(files.Url("/y.bin"));
            e = await rpc.AddUriAsync(files.Url("/e.bin"));
            await rpc.ResultAsync("aria2.remove", x);
            await rpc.ResultAsync("aria2.remove", y);
            f = await rpc.AddUriAsync(files.Url("/f.bin"));
            WaitingGids(await rpc.ResultAsync("aria2.tellWaiting", 0, 100)).ShouldBe([e, f]);
            await first.StopAsync();
        }

        await using var second = await ServeHost.StartAsync(temp.Out, "-j", "1");
        using var again = new RpcClient(second.RpcUrl);
        var waiting = await again.ResultAsync("aria2.tellWaiting", 0, 100, new JsonArray("gid"));

        WaitingGids(waiting).Where(gid => gid == e || gid == f).ShouldBe([e, f]);
    }

    private static List<string> WaitingGids(System.Text.Json.JsonElement list) =>
        [.. list.EnumerateArray().Select(item => item.GetProperty("gid").GetString()!)];
}
