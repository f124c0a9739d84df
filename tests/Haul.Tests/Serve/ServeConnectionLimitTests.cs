using System.Net;
using System.Net.Sockets;
using System.Text;
using Haul.Cli.Serve;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Serve;

/// <summary>One address cannot take every connection: past its share it is cut off, others are still served.</summary>
public sealed class ServeConnectionLimitTests
{
    [Fact]
    public async Task Connect_OneAddressPastItsShare_ClosedWhileAnotherAddressIsServed()
    {
        using var temp = new TempDirectory();
        await using var daemon = await ServeHost.StartAsync(temp.Out);
        var held = new List<TcpClient>();
        try
        {
            for (var i = 0; i < RpcServer.MaxConnectionsPerAddress; i++)
            {
                var client = new TcpClient();
                held.Add(client);
                await client.ConnectAsync(IPAddress.Loopback, daemon.Port, TestContext.Current.CancellationToken);
            }

            // Every held connection is taken by the server before the next one is tried: one request answered on the last.
            var last = held[^1].GetStream();
            await last.WriteAsync(Encoding.ASCII.GetBytes($"GET /jsonrpc?method=system.listMethods&id=1 HTTP/1.1\r\nHost: 127.0.0.1:{daemon.Port}\r\n\r\n"), TestContext.Current.CancellationToken);
            var buffer = new byte[16];
            (await last.ReadAsync(buffer, TestContext.Current.CancellationToken)).ShouldBeGreaterThan(0);

            using var extra = new TcpClient();
            await extra.ConnectAsync(IPAddress.Loopback, daemon.Port, TestContext.Current.CancellationToken);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
            (await extra.GetStream().ReadAsync(buffer, timeout.Token)).ShouldBe(0);

            using var other = new TcpClient(new IPEndPoint(IPAddress.Parse("127.0.0.2"), 0));
            await other.ConnectAsync(IPAddress.Loopback, daemon.Port, TestContext.Current.CancellationToken);
            var stream = other.GetStream();
            await stream.WriteAsync(Encoding.ASCII.GetBytes($"GET /jsonrpc?method=system.listMethods&id=1 HTTP/1.1\r\nHost: 127.0.0.1:{daemon.Port}\r\nConnection: close\r\n\r\n"), timeout.Token);
            var reply = await new StreamReader(stream).ReadToEndAsync(timeout.Token);
            reply.ShouldStartWith("HTTP/1.1 200 ");
        }
        finally
        {
            foreach (var client in held)
            {
                client.Dispose();
            }
        }
    }
}
