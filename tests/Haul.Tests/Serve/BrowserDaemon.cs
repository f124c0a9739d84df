using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Haul.Tests.Serve;

/// <summary>A daemon that speaks aria2's JSON-RPC at <c>/jsonrpc</c> and serves the page at <see cref="PageUri"/>.</summary>
public interface IBrowserDaemon : IAsyncDisposable
{
    /// <summary>The page, on the same origin as <c>/jsonrpc</c>.</summary>
    Uri PageUri { get; }

    /// <summary>The download directory (<c>-d</c>).</summary>
    string Directory { get; }

    /// <summary>Whether a resumed request of this daemon carries If-Range (Haul's does; aria2's does not).</summary>
    bool SendsIfRange { get; }

    /// <summary>The kind the page shows for a download that got a 404: Haul's own errorKind, or aria2's code read as a kind.</summary>
    string NotFoundKind { get; }

    /// <summary>What the daemon printed, for a failure message.</summary>
    string Output { get; }
}

/// <summary>Starting a daemon process on a free loopback port, and knowing when it listens.</summary>
internal static class DaemonPorts
{
    /// <summary>A port that was free a moment ago; the caller retries when a daemon loses the race for it.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>True once <paramref name="port"/> accepts a connection; false if the process exits first.</summary>
    public static async Task<bool> ListensAsync(int port, Func<bool> exited)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (exited())
            {
                return false;
            }

            using var client = new TcpClient();
            try
            {
                await client.ConnectAsync(IPAddress.Loopback, port);
                return true;
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }

        throw new TimeoutException($"Waited 60 s for a daemon to listen on 127.0.0.1:{port}.");
    }

    public static void Stop(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            process.WaitForExit(10_000);
        }
    }
}
