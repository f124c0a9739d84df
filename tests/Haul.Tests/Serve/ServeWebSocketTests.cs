using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Serve;

/// <summary>The WebSocket side of /jsonrpc: calls, aria2's notifications, the origin rule.</summary>
public sealed class ServeWebSocketTests
{
    [Fact]
    public async Task AddUriOverWebSocket_FileServed_StartThenCompleteNotified()
    {
        using var temp = new TempDirectory();
        await using var files = await LoopbackServer.StartAsync();
        var content = RandomNumberGenerator.GetBytes(100_000);
        files.MapFile("/n.bin", content);
        await using var daemon = await ServeHost.StartAsync(temp.Out, "--rpc-secret", "k");
        await using var ws = await WsRpcClient.ConnectAsync(daemon.Port, "k");

        var gid = (await ws.ResultAsync("aria2.addUri", new JsonArray(files.Url("/n.bin")))).GetString()!;
        var notes = await ws.WaitForNotificationAsync("aria2.onDownloadComplete", gid);

        notes.ShouldBe(["aria2.onDownloadStart", "aria2.onDownloadComplete"]);
        ServeDownloadTests.Sha256(Path.Combine(temp.Out, "n.bin")).ShouldBe(ServeDownloadTests.Sha256(content));
    }

    [Fact]
    public async Task PauseAndRemoveAndFailure_Notified()
    {
        using var temp = new TempDirectory();
        await using var files = await LoopbackServer.StartAsync();
        files.Map("/missing.bin", (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return Task.CompletedTask;
        });
        files.Map("/held.bin", (context, _) => Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default));
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        await using var ws = await WsRpcClient.ConnectAsync(daemon.Port);
        var other = await WsRpcClient.ConnectAsync(daemon.Port);
        await using var _ = other;

        var held = (await ws.ResultAsync("aria2.addUri", new JsonArray(files.Url("/held.bin")), new JsonObject { ["pause"] = "true" })).GetString()!;
        await ws.ResultAsync("aria2.unpause", held);
        await ws.ResultAsync("aria2.pause", held);
        await ws.ResultAsync("aria2.remove", held);
        var failing = (await ws.ResultAsync("aria2.addUri", new JsonArray(files.Url("/missing.bin")))).GetString()!;

        (await other.WaitForNotificationAsync("aria2.onDownloadStop", held)).ShouldContain("aria2.onDownloadPause");
        (await other.WaitForNotificationAsync("aria2.onDownloadError", failing)).ShouldBe(["aria2.onDownloadStart", "aria2.onDownloadError"]);
    }

    [Fact]
    public async Task Connect_FromOtherOrigin_RefusedUnlessAllowed()
    {
        using var temp = new TempDirectory();
        await using var strict = await ServeHost.StartAsync(temp.Out);
        await using var open = await ServeHost.StartAsync(Path.Combine(temp.Root, "open"), "--rpc-allow-origin-all");

        await Should.ThrowAsync<WebSocketException>(() => WsRpcClient.ConnectAsync(strict.Port, origin: "http://evil.example"));
        await using var allowed = await WsRpcClient.ConnectAsync(open.Port, origin: "http://evil.example");
        await using var sameOrigin = await WsRpcClient.ConnectAsync(strict.Port, origin: $"http://127.0.0.1:{strict.Port}");

        (await allowed.ResultAsync("system.listNotifications")).GetArrayLength().ShouldBe(5);
        (await sameOrigin.ResultAsync("system.listNotifications")).GetArrayLength().ShouldBe(5);
    }
}
