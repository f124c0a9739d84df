using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Serve;

/// <summary>
/// AriaNg 1.3.14's calls on connect and on its task pages, replayed against haul serve, checking
/// every field it reads; and the same calls against a real <c>aria2c --enable-rpc</c> side by side,
/// comparing the shapes of the replies (keys and value types).
/// </summary>
public sealed class ServeAriaNgTests
{
    // aria2RpcService.getBasicTaskParams / getFullTaskParams of AriaNg 1.3.x.
    private static readonly string[] BasicKeys = ["gid", "totalLength", "completedLength", "uploadSpeed", "downloadSpeed", "connections", "numSeeders", "seeder", "status", "errorCode", "verifiedLength", "verifyIntegrityPending"];
    private static readonly string[] FullKeys = [.. BasicKeys, "files", "bittorrent", "infoHash"];

    [Fact]
    public async Task AriaNgReplay_ConnectAndTaskPages_EveryFieldItReads()
    {
        using var temp = new TempDirectory();
        await using var files = await LoopbackServer.StartAsync();
        files.MapFile("/done.bin", [1, 2, 3, 4]);
        files.Map("/slow.bin", async (context, _) =>
        {
            LoopbackServer.StartReply(context, 1_000_000);
            await files.WriteBodyAsync(context, new byte[10_000]);
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        await using var daemon = await ServeHost.StartAsync(temp.Out, "--rpc-secret", "ng");
        await using var ws = await WsRpcClient.ConnectAsync(daemon.Port, "ng");
        var done = (await ws.ResultAsync("aria2.addUri", new JsonArray(files.Url("/done.bin")), new JsonObject())).GetString()!;
        using var rpc = new RpcClient(daemon.RpcUrl, "ng");
        await rpc.WaitForStatusAsync(done, "complete");
        var active = (await ws.ResultAsync("aria2.addUri", new JsonArray(files.Url("/slow.bin")), new JsonObject())).GetString()!;
        var waiting = (await ws.ResultAsync("aria2.addUri", new JsonArray(files.Url("/w.bin")), new JsonObject { ["pause"] = "true" })).GetString()!;
        await Eventually.FileReachesAsync(Path.Combine(temp.Out, "slow.bin.part"), 10_000);

        // On connect: the version, the global options, the global stat.
        var version = await ws.ResultAsync("aria2.getVersion");
        version.GetProperty("version").GetString()!.ShouldMatch(@"^\d+\.\d+\.\d+$");
        version.GetProperty("enabledFeatures").ValueKind.ShouldBe(JsonValueKind.Array);
        var global = await ws.ResultAsync("aria2.getGlobalOption");
        foreach (var option in new[] { "dir", "max-concurrent-downloads", "max-overall-download-limit", "max-download-limit", "split", "max-connection-per-server", "user-agent", "all-proxy", "continue" })
        {
            global.GetProperty(option).ValueKind.ShouldBe(JsonValueKind.String, option);
        }

        var stat = await ws.ResultAsync("aria2.getGlobalStat");
        foreach (var key in new[] { "downloadSpeed", "uploadSpeed", "numActive", "numWaiting", "numStopped", "numStoppedTotal" })
        {
            IsDecimal(stat.GetProperty(key)).ShouldBeTrue(key);
        }

        stat.GetProperty("numActive").GetString().ShouldBe("1");
        stat.GetProperty("numWaiting").GetString().ShouldBe("1");
        stat.GetProperty("numStopped").GetString().ShouldBe("1");

        // The task lists: downloading, waiting, stopped pages.
        var activeList = await ws.ResultAsync("aria2.tellActive", Keys(FullKeys));
        var waitingList = await ws.ResultAsync("aria2.tellWaiting", 0, 1000, Keys(FullKeys));
        var stoppedList = await ws.ResultAsync("aria2.tellStopped", -1, 1000, Keys(FullKeys));
        activeList.EnumerateArray().Select(task => task.GetProperty("gid").GetString()).ShouldBe([active]);
        waitingList.EnumerateArray().Select(task => task.GetProperty("gid").GetString()).ShouldBe([waiting]);
        stoppedList.EnumerateArray().Select(task => task.GetProperty("gid").GetString()).ShouldBe([done]);
        foreach (var task in activeList.EnumerateArray().Concat(waitingList.EnumerateArray()).Concat(stoppedList.EnumerateArray()))
        {
            CheckTask(task);
            task.EnumerateObject().Select(property => property.Name).ShouldAllBe(name => FullKeys.Contains(name));
        }

        activeList[0].GetProperty("status").GetString().ShouldBe("active");
        activeList[0].GetProperty("totalLength").GetString().ShouldBe("1000000");
        waitingList[0].GetProperty("status").GetString().ShouldBe("paused");
        stoppedList[0].GetProperty("errorCode").GetString().ShouldBe("0");
        stoppedList[0].GetProperty("files")[0].GetProperty("path").GetString().ShouldBe(Path.Combine(temp.Out, "done.bin"));

        // The task detail page: tellStatus and getOption in one multicall.
        var detail = await ws.ResultAsync("system.multicall", new JsonArray(
            new JsonObject { ["methodName"] = "aria2.tellStatus", ["params"] = new JsonArray("token:ng", active) },
            new JsonObject { ["methodName"] = "aria2.getOption", ["params"] = new JsonArray("token:ng", active) }));
        var status = detail[0][0];
        CheckTask(status);
        IsDecimal(status.GetProperty("numPieces")).ShouldBeTrue();
        IsDecimal(status.GetProperty("pieceLength")).ShouldBeTrue();
        IsDecimal(status.GetProperty("uploadLength")).ShouldBeTrue();
        status.GetProperty("dir").GetString().ShouldBe(temp.Out);
        var options = detail[1][0];
        options.GetProperty("dir").GetString().ShouldBe(temp.Out);
        options.EnumerateObject().ShouldAllBe(property => property.Value.ValueKind == JsonValueKind.String);

        // The settings page writes a global option back.
        (await ws.ResultAsync("aria2.changeGlobalOption", new JsonObject { ["max-overall-download-limit"] = "1M" })).GetString().ShouldBe("OK");
        (await ws.ResultAsync("aria2.getGlobalOption")).GetProperty("max-overall-download-limit").GetString().ShouldBe("1048576");
    }

    [Fact]
    public async Task SideBySide_SameCallsAsAria2c_SameReplyShapes()
    {
        using var temp = new TempDirectory();
        await using var haul = await ServeHost.StartAsync(temp.Out, "--rpc-secret", "ss");
        var port = FreePort();
        var ariaDir = Directory.CreateDirectory(Path.Combine(temp.Root, "aria2")).FullName;
        using var aria2 = StartAria2c(port, ariaDir);
        try
        {
            using var ariaRpc = new RpcClient($"http://127.0.0.1:{port}/jsonrpc", "ss");
            using var haulRpc = new RpcClient(haul.RpcUrl, "ss");
            await Eventually.TrueAsync(() => Answers(ariaRpc), "aria2c to answer");

            // Paused downloads of a URL nobody serves: both keep them still, so the shapes are comparable.
            var added = new JsonObject { ["pause"] = "true", ["out"] = "x.bin" };
            var ariaGid = (await ariaRpc.ResultAsync("aria2.addUri", new JsonArray("http://127.0.0.1:1/x.bin"), added)).GetString()!;
            var haulGid = (await haulRpc.ResultAsync("aria2.addUri", new JsonArray("http://127.0.0.1:1/x.bin"), added)).GetString()!;
            haulGid.Length.ShouldBe(ariaGid.Length);

            async Task Compare(string method, Func<string, JsonNode?[]> parameters, bool exactKeys = true)
            {
                var expected = await ariaRpc.CallAsync(method, parameters(ariaGid));
                var actual = await haulRpc.CallAsync(method, parameters(haulGid));
                var problems = new List<string>();
                CompareShape(expected, actual, method, exactKeys, problems);
                problems.ShouldBeEmpty($"{method}: aria2c {expected} / haul {actual}");
            }

            await Compare("aria2.getGlobalStat", _ => []);
            await Compare("aria2.getVersion", _ => []);
            await Compare("aria2.getSessionInfo", _ => []);
            await Compare("aria2.tellStatus", gid => [gid]);
            await Compare("aria2.tellStatus", gid => [gid, Keys(BasicKeys)]);
            await Compare("aria2.tellWaiting", _ => [0, 1000, Keys(FullKeys)]);
            await Compare("aria2.tellStopped", _ => [-1, 1000, Keys(FullKeys)]);
            await Compare("aria2.tellActive", _ => [Keys(BasicKeys)]);
            await Compare("aria2.getFiles", gid => [gid]);
            await Compare("aria2.getUris", gid => [gid]);
            await Compare("aria2.getOption", gid => [gid], exactKeys: false);
            await Compare("aria2.getGlobalOption", _ => [], exactKeys: false);
            await Compare("aria2.changeGlobalOption", _ => [new JsonObject { ["max-concurrent-downloads"] = "3" }]);
            await Compare("aria2.changePosition", gid => [gid, 0, "POS_SET"]);
            await Compare("system.multicall", gid => [new JsonArray(
                new JsonObject { ["methodName"] = "aria2.tellStatus", ["params"] = new JsonArray("token:ss", gid) },
                new JsonObject { ["methodName"] = "aria2.getVersion", ["params"] = new JsonArray("token:bad") })]);
            await Compare("aria2.tellStatus", _ => ["0123456789abcdef"]);
            await Compare("aria2.tellStatus", _ => [5]);
            await Compare("aria2.pause", gid => [gid]);
            await Compare("aria2.remove", gid => [gid]);
            await Compare("aria2.tellStopped", _ => [0, 10]);
            await Compare("aria2.purgeDownloadResult", _ => []);

            using var wrongAria = new RpcClient($"http://127.0.0.1:{port}/jsonrpc", "nope");
            using var wrongHaul = new RpcClient(haul.RpcUrl, "nope");
            (await wrongHaul.CallAsync("aria2.getGlobalStat")).GetProperty("error").ToString()
                .ShouldBe((await wrongAria.CallAsync("aria2.getGlobalStat")).GetProperty("error").ToString());
        }
        finally
        {
            aria2.Kill();
            await aria2.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    private static JsonArray Keys(string[] keys) => new([.. keys.Select(key => (JsonNode?)key)]);

    private static void CheckTask(JsonElement task)
    {
        task.GetProperty("gid").GetString()!.ShouldMatch("^[0-9a-f]{16}$");
        task.GetProperty("status").GetString().ShouldBeOneOf("active", "waiting", "paused", "error", "complete", "removed");
        foreach (var key in new[] { "totalLength", "completedLength", "uploadSpeed", "downloadSpeed", "connections" })
        {
            IsDecimal(task.GetProperty(key)).ShouldBeTrue(key);
        }

        var file = task.GetProperty("files").EnumerateArray().ShouldHaveSingleItem();
        file.GetProperty("path").ValueKind.ShouldBe(JsonValueKind.String);
        IsDecimal(file.GetProperty("length")).ShouldBeTrue();
        IsDecimal(file.GetProperty("completedLength")).ShouldBeTrue();
        file.GetProperty("selected").GetString().ShouldBe("true");
        file.GetProperty("uris")[0].GetProperty("uri").GetString()!.ShouldStartWith("http://127.0.0.1:");
        file.GetProperty("uris")[0].GetProperty("status").GetString().ShouldBeOneOf("used", "waiting");
    }

    private static bool IsDecimal(JsonElement value) =>
        value.ValueKind == JsonValueKind.String && long.TryParse(value.GetString(), NumberStyles.None, CultureInfo.InvariantCulture, out _);

    /// <summary>aria2c's keys must all be in Haul's reply (and, with <paramref name="exactKeys"/>, no others), each value of the same JSON type, all the way down.</summary>
    private static void CompareShape(JsonElement expected, JsonElement actual, string where, bool exactKeys, List<string> problems)
    {
        if (expected.ValueKind != actual.ValueKind && !(expected.ValueKind is JsonValueKind.True or JsonValueKind.False && actual.ValueKind is JsonValueKind.True or JsonValueKind.False))
        {
            problems.Add($"{where}: {expected.ValueKind} in aria2c, {actual.ValueKind} in haul");
            return;
        }

        if (expected.ValueKind == JsonValueKind.Object)
        {
            var haulKeys = actual.EnumerateObject().Select(property => property.Name).ToHashSet(StringComparer.Ordinal);
            foreach (var property in expected.EnumerateObject())
            {
                if (!actual.TryGetProperty(property.Name, out var value))
                {
                    if (exactKeys)
                    {
                        problems.Add($"{where}.{property.Name}: missing in haul");
                    }

                    continue;
                }

                haulKeys.Remove(property.Name);
                CompareShape(property.Value, value, $"{where}.{property.Name}", exactKeys, problems);
            }

            // Haul may add its own (haulVersion, errorKind); everything else aria2c has must be there.
            haulKeys.ExceptWith(["haulVersion", "errorKind"]);
            if (exactKeys && where is not ("aria2.getVersion" or "aria2.getVersion.result") && haulKeys.Count > 0 && !where.EndsWith(".id", StringComparison.Ordinal))
            {
                problems.Add($"{where}: haul has {string.Join(", ", haulKeys)} that aria2c has not");
            }
        }
        else if (expected.ValueKind == JsonValueKind.Array && expected.GetArrayLength() > 0 && actual.GetArrayLength() > 0)
        {
            if (expected.GetArrayLength() != actual.GetArrayLength() && where != "aria2.getVersion.result.enabledFeatures")
            {
                problems.Add($"{where}: {expected.GetArrayLength()} items in aria2c, {actual.GetArrayLength()} in haul");
            }

            for (var i = 0; i < Math.Min(expected.GetArrayLength(), actual.GetArrayLength()); i++)
            {
                CompareShape(expected[i], actual[i], $"{where}[{i}]", exactKeys, problems);
            }
        }
    }

    private static Process StartAria2c(int port, string directory)
    {
        var info = new ProcessStartInfo("aria2c")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[] { "--enable-rpc", $"--rpc-listen-port={port}", "--rpc-secret=ss", $"--dir={directory}", "--no-conf", "--quiet" })
        {
            info.ArgumentList.Add(arg);
        }

        return Process.Start(info) ?? throw new InvalidOperationException("aria2c did not start (apt-get install aria2; test.sh installs it).");
    }

    private static bool Answers(RpcClient rpc)
    {
        try
        {
            return rpc.CallAsync("system.listMethods").GetAwaiter().GetResult().TryGetProperty("result", out _);
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
