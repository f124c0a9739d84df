using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using Haul.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Serve;

/// <summary>What a hostile client or page must not get: big bodies, cross-origin calls, rebound host names, paths outside -d, files from disk.</summary>
public sealed class ServeSecurityTests
{
    [Fact]
    public async Task Post_BodyOver2MB_RefusedBeforeItIsSent()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);

        // Only the head goes out: the refusal must come without waiting for the 3 MB announced.
        var reply = await RawAsync(daemon.Port, $"POST /jsonrpc HTTP/1.1\r\nHost: 127.0.0.1:{daemon.Port}\r\nContent-Length: {3 * 1024 * 1024}\r\n\r\n");

        reply.ShouldStartWith("HTTP/1.1 413 ");
    }

    [Fact]
    public async Task Post_BodyJustUnder2MB_Answered()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        using var rpc = new RpcClient(daemon.RpcUrl);
        var padding = new string(' ', (2 * 1024 * 1024) - 200);

        var reply = await rpc.PostAsync($$"""{"jsonrpc":"2.0","id":"1","method":"system.listNotifications"{{padding}}}""");

        reply.GetProperty("result").GetArrayLength().ShouldBe(5);
    }

    [Fact]
    public async Task Head_NeverEnds_ConnectionClosedWith431()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        var flood = new StringBuilder($"GET / HTTP/1.1\r\nHost: 127.0.0.1:{daemon.Port}\r\n");
        while (flood.Length < 40_000)
        {
            flood.Append("X-Flood: aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa\r\n");
        }

        var reply = await RawAsync(daemon.Port, flood.ToString());

        reply.ShouldStartWith("HTTP/1.1 431 ");
    }

    [Fact]
    public async Task Post_FromOtherOrigin_RefusedUnlessAllowed()
    {
        using var temp = new TempDirectory();
        await using var strict = await ServeHost.StartAsync(temp.Out);
        await using var open = await ServeHost.StartAsync(Path.Combine(temp.Root, "open"), "--rpc-allow-origin-all");
        using var http = new HttpClient();
        const string Body = """{"jsonrpc":"2.0","id":"1","method":"aria2.addUri","params":[["http://127.0.0.1:1/x"]]}""";

        using var refused = await SendAsync(http, HttpMethod.Post, strict.RpcUrl, "http://evil.example", Body);
        using var sameOrigin = await SendAsync(http, HttpMethod.Post, strict.RpcUrl, $"http://127.0.0.1:{strict.Port}", """{"jsonrpc":"2.0","id":"1","method":"system.listMethods"}""");
        using var preflightRefused = await SendAsync(http, HttpMethod.Options, strict.RpcUrl, "http://evil.example", null);
        using var allowed = await SendAsync(http, HttpMethod.Post, open.RpcUrl, "http://evil.example", """{"jsonrpc":"2.0","id":"1","method":"system.listMethods"}""");
        using var preflight = await SendAsync(http, HttpMethod.Options, open.RpcUrl, "http://evil.example", null);

        refused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        (await new RpcClient(strict.RpcUrl).ResultAsync("aria2.getGlobalStat")).GetProperty("numWaiting").GetString().ShouldBe("0");
        sameOrigin.StatusCode.ShouldBe(HttpStatusCode.OK);
        preflightRefused.StatusCode.ShouldBe(HttpStatusCode.Forbidden);
        allowed.StatusCode.ShouldBe(HttpStatusCode.OK);
        allowed.Headers.GetValues("Access-Control-Allow-Origin").ShouldBe(["*"]);
        preflight.StatusCode.ShouldBe(HttpStatusCode.OK);
        preflight.Headers.GetValues("Access-Control-Allow-Methods").Single().ShouldContain("POST");
        preflight.Headers.GetValues("Access-Control-Allow-Headers").Single().ShouldContain("Content-Type");
    }

    [Fact]
    public async Task Request_HostNameNotLoopback_Refused()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);

        // A page on a rebound name reaches 127.0.0.1 with its own name in Host and Origin.
        const string Body = """{"jsonrpc":"2.0","id":"1","method":"system.listMethods"}""";
        var reply = await RawAsync(daemon.Port, $"POST /jsonrpc HTTP/1.1\r\nHost: rebound.example:{daemon.Port}\r\nOrigin: http://rebound.example:{daemon.Port}\r\nContent-Length: {Body.Length}\r\n\r\n{Body}");
        var local = await RawAsync(daemon.Port, $"POST /jsonrpc HTTP/1.1\r\nHost: localhost:{daemon.Port}\r\nContent-Length: {Body.Length}\r\nConnection: close\r\n\r\n{Body}");

        reply.ShouldStartWith("HTTP/1.1 403 ");
        local.ShouldStartWith("HTTP/1.1 200 ");
    }

    [Theory]
    [InlineData("dir", "/etc")]
    [InlineData("dir", "../elsewhere")]
    [InlineData("dir", "a/../../elsewhere")]
    [InlineData("out", "../x.bin")]
    [InlineData("out", "/tmp/x.bin")]
    [InlineData("dir", "link")]
    [InlineData("dir", "link/inner")]
    public async Task AddUri_DirOrOutLeavingTheDirectory_RefusedNamingTheOption(string option, string value)
    {
        using var temp = new TempDirectory();
        await using var files = await LoopbackServer.StartAsync();
        files.MapFile("/x.bin", [1, 2, 3]);
        Directory.CreateDirectory(temp.Out);
        var outside = Directory.CreateDirectory(Path.Combine(temp.Root, "outside")).FullName;
        Directory.CreateSymbolicLink(Path.Combine(temp.Out, "link"), outside);
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        using var rpc = new RpcClient(daemon.RpcUrl);

        var error = await rpc.ErrorAsync("aria2.addUri", new JsonArray(files.Url("/x.bin")), new JsonObject { [option] = value });

        error.GetProperty("code").GetInt32().ShouldBe(1);
        error.GetProperty("message").GetString()!.ShouldStartWith($"We encountered a problem while processing the option '--{option}'");
        files.Hits("/x.bin").ShouldBe(0);
        Directory.EnumerateFileSystemEntries(outside).ShouldBeEmpty();
    }

    [Fact]
    public async Task AddUri_AbsoluteDirInsideTheDirectory_Saved()
    {
        using var temp = new TempDirectory();
        await using var files = await LoopbackServer.StartAsync();
        files.MapFile("/x.bin", [1, 2, 3]);
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        using var rpc = new RpcClient(daemon.RpcUrl);

        var gid = await rpc.AddUriAsync(files.Url("/x.bin"), new JsonObject { ["dir"] = Path.Combine(temp.Out, "music") });
        await rpc.WaitForStatusAsync(gid, "complete");

        ServeDownloadTests.Sha256(Path.Combine(temp.Out, "music", "x.bin")).ShouldBe(ServeDownloadTests.Sha256([1, 2, 3]));
        (await rpc.ResultAsync("aria2.getOption", gid)).GetProperty("dir").GetString().ShouldBe(Path.Combine(temp.Out, "music"));
    }

    [Theory]
    [InlineData("/../../../../etc/passwd")]
    [InlineData("/%2e%2e/%2e%2e/etc/passwd")]
    [InlineData("/.haul/journal.db")]
    [InlineData("/nothing.js")]
    public async Task Get_PathOutsideTheEmbeddedPage_NotFound(string path)
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        await File.WriteAllTextAsync(Path.Combine(temp.Out, "nothing.js"), "secret", TestContext.Current.CancellationToken);
        await using var daemon = await ServeHost.StartAsync(temp.Out);

        var reply = await RawAsync(daemon.Port, $"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{daemon.Port}\r\nConnection: close\r\n\r\n");

        reply.ShouldStartWith("HTTP/1.1 404 ");
        reply.ShouldNotContain("root:");
        reply.ShouldNotContain("secret");
    }

    [Fact]
    public async Task Get_Root_TheEmbeddedPageAsHtml()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        using var http = new HttpClient();

        using var page = await http.GetAsync(daemon.BaseUri, TestContext.Current.CancellationToken);

        page.StatusCode.ShouldBe(HttpStatusCode.OK);
        page.Content.Headers.ContentType!.MediaType.ShouldBe("text/html");
        (await page.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)).ShouldContain("Haul");
        page.Headers.GetValues("X-Content-Type-Options").ShouldBe(["nosniff"]);
    }

    [Fact]
    public async Task Serve_ListenAllWithoutSecret_UsageErrorOnOneLine()
    {
        var error = new StringWriter();
        var io = new CliIo(TextReader.Null, TextWriter.Null, error, ErrorIsTerminal: false);

        var exit = await HaulCli.RunAsync(["serve", "--rpc-listen-all", "--rpc-listen-port", "0"], io, TestContext.Current.CancellationToken);

        exit.ShouldBe(2);
        error.ToString().TrimEnd().Split('\n').ShouldHaveSingleItem().ShouldStartWith("haul: --rpc-listen-all needs --rpc-secret");
    }

    private static async Task<HttpResponseMessage> SendAsync(HttpClient http, HttpMethod method, string url, string origin, string? body)
    {
        using var request = new HttpRequestMessage(method, url);
        request.Headers.Add("Origin", origin);
        if (method == HttpMethod.Options)
        {
            request.Headers.Add("Access-Control-Request-Method", "POST");
            request.Headers.Add("Access-Control-Request-Headers", "content-type");
        }

        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        return await http.SendAsync(request);
    }

    /// <summary>Sends raw bytes and reads what comes back until the server closes or a minute passes.</summary>
    internal static async Task<string> RawAsync(int port, string request)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        try
        {
            await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        }
        catch (IOException)
        {
            // The server may close before taking it all (a flood): its answer is still there to read.
        }

        var reply = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                reply.Write(buffer, 0, read);
                var text = Encoding.ASCII.GetString(reply.ToArray());
                var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
                if (end >= 0 && ContentLength(text[..end]) is { } length && reply.Length >= end + 4 + length)
                {
                    break;
                }
            }
        }
        catch (IOException)
        {
            // Reset after the answer: what arrived is the answer.
        }

        return Encoding.ASCII.GetString(reply.ToArray());
    }

    private static int? ContentLength(string head)
    {
        var line = head.Split("\r\n").FirstOrDefault(l => l.StartsWith("Content-Length:", StringComparison.OrdinalIgnoreCase));
        return line is null ? null : int.Parse(line["Content-Length:".Length..].Trim(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
