using System.Net;
using System.Net.Sockets;
using System.Text;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Serve;

/// <summary>What could be read two ways is refused: a body on a GET, a bare line feed in a header; HTTP/1.0 closes by default.</summary>
public sealed class ServeHttpParsingTests
{
    [Fact]
    public async Task Get_WithContentLengthHidingASecondRequest_RefusedAndTheSecondNeverRuns()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        var hidden = $"GET /jsonrpc?method=aria2.addUri&id=2&params={Uri.EscapeDataString(Convert.ToBase64String("""[["http://127.0.0.1:1/x"]]"""u8.ToArray()))} HTTP/1.1\r\nHost: 127.0.0.1:{daemon.Port}\r\nConnection: close\r\n\r\n";

        var reply = await ExchangeAsync(daemon.Port, $"GET /jsonrpc?method=system.listMethods&id=1 HTTP/1.1\r\nHost: 127.0.0.1:{daemon.Port}\r\nContent-Length: {hidden.Length}\r\n\r\n{hidden}");

        reply.ShouldStartWith("HTTP/1.1 400 ");
        reply.IndexOf("HTTP/1.1", 1, StringComparison.Ordinal).ShouldBe(-1);
        using var rpc = new RpcClient(daemon.RpcUrl);
        (await rpc.ResultAsync("aria2.getGlobalStat")).GetProperty("numWaiting").GetString().ShouldBe("0");
    }

    [Theory]
    [InlineData("X-A: one\nX-B: two")]
    [InlineData("X-A: one\rtwo")]
    [InlineData("X-A: one\u0001two")]
    public async Task Request_ControlCharacterInHeader_Refused(string header)
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);

        var reply = await ExchangeAsync(daemon.Port, $"GET /jsonrpc?method=system.listMethods&id=1 HTTP/1.1\r\nHost: 127.0.0.1:{daemon.Port}\r\n{header}\r\nConnection: close\r\n\r\n");

        reply.ShouldStartWith("HTTP/1.1 400 ");
    }

    [Fact]
    public async Task Get_Http10WithoutKeepAlive_ClosedAfterTheReply()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);

        var reply = await ExchangeAsync(daemon.Port, $"GET /jsonrpc?method=system.listMethods&id=1 HTTP/1.0\r\nHost: 127.0.0.1:{daemon.Port}\r\n\r\n");
        var kept = await ExchangeAsync(daemon.Port, $"GET /jsonrpc?method=system.listMethods&id=1 HTTP/1.0\r\nHost: 127.0.0.1:{daemon.Port}\r\nConnection: keep-alive\r\n\r\n", untilClosed: false);

        reply.ShouldStartWith("HTTP/1.1 200 ");
        reply.ShouldContain("Connection: close\r\n");
        kept.ShouldContain("Connection: keep-alive\r\n");
    }

    /// <summary>Sends the bytes; reads until the server closes (or, with <paramref name="untilClosed"/> false, until the head has come).</summary>
    private static async Task<string> ExchangeAsync(int port, string request, bool untilClosed = true)
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, port);
        var stream = client.GetStream();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        await stream.WriteAsync(Encoding.ASCII.GetBytes(request), timeout.Token);
        var reply = new MemoryStream();
        var buffer = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, timeout.Token)) > 0)
            {
                reply.Write(buffer, 0, read);
                if (!untilClosed && Encoding.ASCII.GetString(reply.ToArray()).Contains("\r\n\r\n", StringComparison.Ordinal))
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
}
