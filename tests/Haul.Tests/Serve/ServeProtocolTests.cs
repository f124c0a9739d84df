using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Serve;

/// <summary>The JSON-RPC layer: tokens, error codes and messages as aria2 writes them, batches, multicall, HTTP GET.</summary>
public sealed class ServeProtocolTests
{
    [Fact]
    public async Task Call_WrongOrMissingToken_Unauthorized()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out, "--rpc-secret", "s3cret");
        using var wrong = new RpcClient(daemon.RpcUrl, "s3cre");
        using var none = new RpcClient(daemon.RpcUrl);
        using var right = new RpcClient(daemon.RpcUrl, "s3cret");

        var refused = await wrong.ErrorAsync("aria2.getGlobalStat");
        var missing = await none.ErrorAsync("aria2.addUri", new JsonArray("http://127.0.0.1:1/x"));

        refused.GetProperty("code").GetInt32().ShouldBe(1);
        refused.GetProperty("message").GetString().ShouldBe("Unauthorized");
        missing.GetProperty("message").GetString().ShouldBe("Unauthorized");
        (await right.ResultAsync("aria2.getGlobalStat")).GetProperty("numActive").GetString().ShouldBe("0");
        (await none.ResultAsync("system.listNotifications")).GetArrayLength().ShouldBe(5);
        Directory.Exists(temp.Out).ShouldBeTrue();
        Directory.EnumerateFiles(temp.Out).ShouldBeEmpty();
    }

    [Fact]
    public async Task Multicall_OneEntryWithWrongToken_OnlyThatEntryRefused()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out, "--rpc-secret", "s3cret");
        using var rpc = new RpcClient(daemon.RpcUrl);

        var result = await rpc.ResultAsync("system.multicall", new JsonArray(
            new JsonObject { ["methodName"] = "aria2.getVersion", ["params"] = new JsonArray("token:s3cret") },
            new JsonObject { ["methodName"] = "aria2.getVersion", ["params"] = new JsonArray("token:nope") },
            new JsonObject { ["methodName"] = "aria2.addUri", ["params"] = new JsonArray(new JsonArray("http://127.0.0.1:1/x")) },
            new JsonObject { ["methodName"] = "aria2.tellStatus", ["params"] = new JsonArray("token:s3cret", "00000000000000ff") }));

        var entries = result.EnumerateArray().ToList();
        entries.Count.ShouldBe(4);
        entries[0].ValueKind.ShouldBe(JsonValueKind.Array);
        entries[0][0].GetProperty("version").GetString().ShouldNotBeNullOrEmpty();
        entries[1].GetProperty("message").GetString().ShouldBe("Unauthorized");
        entries[2].GetProperty("message").GetString().ShouldBe("Unauthorized");
        entries[3].GetProperty("message").GetString().ShouldBe("GID 00000000000000ff is not found");
        (await new RpcClient(daemon.RpcUrl, "s3cret").ResultAsync("aria2.getGlobalStat")).GetProperty("numWaiting").GetString().ShouldBe("0");
    }

    [Fact]
    public async Task Call_BadGidsAndParams_Aria2Messages()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        using var rpc = new RpcClient(daemon.RpcUrl);

        (await rpc.ErrorAsync("aria2.tellStatus", "0123456789abcdef")).GetProperty("message").GetString().ShouldBe("GID 0123456789abcdef is not found");
        (await rpc.ErrorAsync("aria2.remove", "zz")).GetProperty("message").GetString().ShouldBe("Invalid GID zz");
        (await rpc.ErrorAsync("aria2.tellStatus")).GetProperty("message").GetString().ShouldBe("The parameter at 0 is required but missing.");
        (await rpc.ErrorAsync("aria2.tellStatus", 5)).GetProperty("message").GetString().ShouldBe("The parameter at 0 has wrong type.");
        (await rpc.ErrorAsync("aria2.addUri", "notarray")).GetProperty("message").GetString().ShouldBe("The parameter at 0 has wrong type.");
        (await rpc.ErrorAsync("aria2.tellWaiting", "0", 10)).GetProperty("code").GetInt32().ShouldBe(1);
        (await rpc.ErrorAsync("aria2.addTorrent", "AAAA")).GetProperty("message").GetString().ShouldBe("No such method: aria2.addTorrent");
        (await rpc.ErrorAsync("aria2.changeGlobalOption", new JsonObject { ["max-concurrent-downloads"] = "x" }))
            .GetProperty("message").GetString()!.ShouldStartWith("We encountered a problem while processing the option '--max-concurrent-downloads'");
        (await rpc.ErrorAsync("aria2.addUri", new JsonArray("http://127.0.0.1:1/x"), new JsonObject { ["max-download-limit"] = "fast" }))
            .GetProperty("message").GetString()!.ShouldStartWith("We encountered a problem while processing the option '--max-download-limit'");
        (await rpc.ErrorAsync("aria2.addUri", new JsonArray("ftp://127.0.0.1/x"))).GetProperty("code").GetInt32().ShouldBe(1);
        (await rpc.ResultAsync("aria2.tellStopped", 0, 10)).GetArrayLength().ShouldBe(0);
    }

    [Fact]
    public async Task Post_MalformedBodies_JsonRpcLevelCodes()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        using var rpc = new RpcClient(daemon.RpcUrl);

        var parse = await rpc.PostAsync("{not json");
        var invalid = await rpc.PostAsync("""{"jsonrpc":"2.0","id":"7"}""");
        var batch = await rpc.PostAsync("""[{"jsonrpc":"2.0","id":1,"method":"system.listMethods"},{"id":2}]""");

        parse.GetProperty("error").GetProperty("code").GetInt32().ShouldBe(-32700);
        parse.GetProperty("id").ValueKind.ShouldBe(JsonValueKind.Null);
        invalid.GetProperty("error").GetProperty("code").GetInt32().ShouldBe(-32600);
        invalid.GetProperty("id").GetString().ShouldBe("7");
        batch.GetArrayLength().ShouldBe(2);
        batch[0].GetProperty("id").GetInt32().ShouldBe(1);
        batch[0].GetProperty("result").EnumerateArray().Select(item => item.GetString()).ShouldContain("aria2.addUri");
        batch[1].GetProperty("error").GetProperty("code").GetInt32().ShouldBe(-32600);
    }

    [Fact]
    public async Task Get_MethodIdAndBase64Params_AnsweredAsPost()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out, "--rpc-secret", "s");
        using var http = new HttpClient();
        var parameters = Convert.ToBase64String(Encoding.UTF8.GetBytes("""["token:s"]"""));

        var ok = JsonDocument.Parse(await http.GetStringAsync($"{daemon.RpcUrl}?method=aria2.getGlobalStat&id=q1&params={Uri.EscapeDataString(parameters)}", TestContext.Current.CancellationToken)).RootElement;
        using var refusedReply = await http.GetAsync($"{daemon.RpcUrl}?method=aria2.getGlobalStat&id=q2", TestContext.Current.CancellationToken);
        var refused = JsonDocument.Parse(await refusedReply.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement;

        ok.GetProperty("id").GetString().ShouldBe("q1");
        ok.GetProperty("result").GetProperty("numActive").GetString().ShouldBe("0");
        refused.GetProperty("error").GetProperty("message").GetString().ShouldBe("Unauthorized");
        refusedReply.StatusCode.ShouldBe(System.Net.HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Shutdown_OverRpc_RepliesThenStopsWithSuccess()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        using var rpc = new RpcClient(daemon.RpcUrl);

        (await rpc.ResultAsync("aria2.shutdown")).GetString().ShouldBe("OK");

        (await daemon.ExitedAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task SessionAndVersion_Shapes_AsAria2()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        using var rpc = new RpcClient(daemon.RpcUrl);

        (await rpc.ResultAsync("aria2.getSessionInfo")).GetProperty("sessionId").GetString()!.ShouldMatch("^[0-9a-f]{40}$");
        (await rpc.ResultAsync("aria2.saveSession")).GetString().ShouldBe("OK");
        (await rpc.ResultAsync("aria2.purgeDownloadResult")).GetString().ShouldBe("OK");
        var methods = (await rpc.ResultAsync("system.listMethods")).EnumerateArray().Select(item => item.GetString()).ToList();
        methods.ShouldContain("aria2.forceShutdown");
        methods.ShouldContain("haul.addCrawl");
    }
}
