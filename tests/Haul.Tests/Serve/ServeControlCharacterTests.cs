using System.Text.Json.Nodes;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Serve;

/// <summary>A NUL or a line break in <c>dir</c> or <c>out</c> is an option error, and the connection goes on.</summary>
public sealed class ServeControlCharacterTests
{
    [Theory]
    [InlineData("dir", "a\0b")]
    [InlineData("dir", "a\nb")]
    [InlineData("out", "x\0.bin")]
    [InlineData("out", "x\u001b.bin")]
    public async Task AddUri_ControlCharacterOverHttp_OptionErrorAndNothingAdded(string option, string value)
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        using var rpc = new RpcClient(daemon.RpcUrl);

        var error = await rpc.ErrorAsync("aria2.addUri", new JsonArray("http://127.0.0.1:1/x"), new JsonObject { [option] = value });

        error.GetProperty("code").GetInt32().ShouldBe(1);
        error.GetProperty("message").GetString()!.ShouldContain($"'--{option}'");
        error.GetProperty("message").GetString()!.ShouldNotContain("Exception");
        (await rpc.ResultAsync("aria2.getGlobalStat")).GetProperty("numWaiting").GetString().ShouldBe("0");
    }

    [Fact]
    public async Task AddUri_NulInDirOverWebSocket_OptionErrorAndTheConnectionAnswersOn()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        await using var ws = await WsRpcClient.ConnectAsync(daemon.Port);

        var reply = await ws.CallAsync("aria2.addUri", new JsonArray("http://127.0.0.1:1/x"), new JsonObject { ["dir"] = "a\0b" });
        var stat = await ws.ResultAsync("aria2.getGlobalStat");

        reply.GetProperty("error").GetProperty("message").GetString()!.ShouldContain("'--dir'");
        stat.GetProperty("numWaiting").GetString().ShouldBe("0");
    }

    [Fact]
    public async Task AddCrawl_NulInDir_OptionError()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        using var rpc = new RpcClient(daemon.RpcUrl);

        var error = await rpc.ErrorAsync("haul.addCrawl", new JsonArray("http://127.0.0.1:1/"), new JsonObject { ["dir"] = "p\0q" });

        error.GetProperty("code").GetInt32().ShouldBe(1);
        error.GetProperty("message").GetString()!.ShouldContain("'--dir'");
        (await rpc.ResultAsync("system.listMethods")).GetArrayLength().ShouldBeGreaterThan(0);
    }
}
