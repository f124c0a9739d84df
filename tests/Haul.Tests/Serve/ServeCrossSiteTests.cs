using System.Text;
using System.Text.Json;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Serve;

/// <summary>A page elsewhere can make a browser send a GET with no Origin (a picture's address): it must not drive the daemon.</summary>
public sealed class ServeCrossSiteTests
{
    private static readonly string AddUriParams = Convert.ToBase64String(Encoding.UTF8.GetBytes("""[["http://127.0.0.1:1/x"]]"""));

    [Theory]
    [InlineData("cross-site")]
    [InlineData("same-site")]
    public async Task Get_FromAnotherSiteWithoutOrigin_RefusedAsAria2ErrorAndNothingAdded(string site)
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);

        var reply = await ServeSecurityTests.RawAsync(daemon.Port, $"GET /jsonrpc?method=aria2.getGlobalStat&id=1 HTTP/1.1\r\nHost: 127.0.0.1:{daemon.Port}\r\nSec-Fetch-Site: {site}\r\nConnection: close\r\n\r\n");
        var posted = await ServeSecurityTests.RawAsync(daemon.Port, Post(daemon.Port, $"Sec-Fetch-Site: {site}\r\n"));

        reply.ShouldStartWith("HTTP/1.1 403 ");
        posted.ShouldStartWith("HTTP/1.1 403 ");
        var error = JsonDocument.Parse(reply[(reply.IndexOf("\r\n\r\n", StringComparison.Ordinal) + 4)..]).RootElement.GetProperty("error");
        error.GetProperty("code").GetInt32().ShouldBe(1);
        using var rpc = new RpcClient(daemon.RpcUrl);
        (await rpc.ResultAsync("aria2.getGlobalStat")).GetProperty("numWaiting").GetString().ShouldBe("0");
    }

    [Theory]
    [InlineData("same-origin")]
    [InlineData("none")]
    public async Task Post_SameOriginOrTyped_Answered(string site)
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);

        var reply = await ServeSecurityTests.RawAsync(daemon.Port, Post(daemon.Port, $"Sec-Fetch-Site: {site}\r\n"));

        reply.ShouldStartWith("HTTP/1.1 200 ");
    }

    [Fact]
    public async Task Get_FromAnotherSite_AnsweredWithRpcAllowOriginAll()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out, "--rpc-allow-origin-all");

        var reply = await ServeSecurityTests.RawAsync(daemon.Port, $"GET /jsonrpc?method=aria2.getGlobalStat&id=1 HTTP/1.1\r\nHost: 127.0.0.1:{daemon.Port}\r\nSec-Fetch-Site: cross-site\r\nConnection: close\r\n\r\n");

        reply.ShouldStartWith("HTTP/1.1 200 ");
    }

    [Fact]
    public async Task Get_StateChangingMethodWithoutSecret_RefusedReadOnlyAnswered()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        using var http = new HttpClient();

        using var added = await http.GetAsync($"{daemon.RpcUrl}?method=aria2.addUri&id=a&params={Uri.EscapeDataString(AddUriParams)}", TestContext.Current.CancellationToken);
        var multicall = Convert.ToBase64String(Encoding.UTF8.GetBytes("""[[{"methodName":"aria2.getGlobalStat"},{"methodName":"aria2.addUri","params":[["http://127.0.0.1:1/y"]]}]]"""));
        var calls = JsonDocument.Parse(await http.GetStringAsync($"{daemon.RpcUrl}?method=system.multicall&id=m&params={Uri.EscapeDataString(multicall)}", TestContext.Current.CancellationToken)).RootElement;
        var stat = JsonDocument.Parse(await http.GetStringAsync($"{daemon.RpcUrl}?method=aria2.getGlobalStat&id=s", TestContext.Current.CancellationToken)).RootElement;

        var error = JsonDocument.Parse(await added.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).RootElement.GetProperty("error");
        error.GetProperty("code").GetInt32().ShouldBe(1);
        error.GetProperty("message").GetString()!.ShouldContain("--rpc-secret");
        calls.GetProperty("result")[0][0].GetProperty("numWaiting").GetString().ShouldBe("0");
        calls.GetProperty("result")[1].GetProperty("code").GetInt32().ShouldBe(1);
        stat.GetProperty("result").GetProperty("numWaiting").GetString().ShouldBe("0");
    }

    [Fact]
    public async Task Get_StateChangingMethodWithSecret_Answered()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out, "--rpc-secret", "s3");
        using var http = new HttpClient();
        var parameters = Convert.ToBase64String(Encoding.UTF8.GetBytes("""["token:s3",["http://127.0.0.1:1/x"],{"pause":"true"}]"""));

        var reply = JsonDocument.Parse(await http.GetStringAsync($"{daemon.RpcUrl}?method=aria2.addUri&id=a&params={Uri.EscapeDataString(parameters)}", TestContext.Current.CancellationToken)).RootElement;

        reply.GetProperty("result").GetString()!.ShouldMatch("^[0-9a-f]{16}$");
    }

    private static string Post(int port, string extra)
    {
        const string Body = """{"jsonrpc":"2.0","id":"1","method":"aria2.addUri","params":[["http://127.0.0.1:1/x"],{"pause":"true"}]}""";
        return $"POST /jsonrpc HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\n{extra}Content-Length: {Body.Length}\r\nConnection: close\r\n\r\n{Body}";
    }
}
