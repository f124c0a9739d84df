using System.Diagnostics;
using System.Net;
using System.Net.WebSockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Haul.Tests.Serve;

/// <summary>
/// Real <c>aria2c --enable-rpc</c> behind a small Kestrel server that serves the page's files from
/// the source tree and passes <c>/jsonrpc</c> (HTTP POST and WebSocket) through to it: the page
/// must work against aria2 itself, unchanged.
/// </summary>
public sealed class BrowserAria2Daemon : IBrowserDaemon
{
    private readonly Process _aria2;
    private readonly int _rpcPort;
    private readonly StringBuilder _output = new();
    private WebApplication? _front;

    private BrowserAria2Daemon(Process aria2, int rpcPort, string directory)
    {
        _aria2 = aria2;
        _rpcPort = rpcPort;
        Directory = directory;
    }

    public Uri PageUri { get; private set; } = null!;

    public string Directory { get; }

    public bool SendsIfRange => false;

    public string NotFoundKind => "not found";

    /// <summary>False plays a proxy that refuses WebSocket upgrades: the page must fall back to HTTP.</summary>
    public bool AllowWebSocket { get; init; } = true;

    public string Output
    {
        get
        {
            lock (_output)
            {
                return _output.ToString();
            }
        }
    }

    public static async Task<BrowserAria2Daemon> StartAsync(string directory, string secret, bool allowWebSocket = true)
    {
        if (!File.Exists("/usr/bin/aria2c"))
        {
            throw new InvalidOperationException("This test needs aria2c: apt-get install aria2 (test.sh installs it).");
        }

        for (var attempt = 1; ; attempt++)
        {
            var port = DaemonPorts.Free();
            var daemon = new BrowserAria2Daemon(StartAria2(port, directory, secret), port, directory) { AllowWebSocket = allowWebSocket };
            if (await DaemonPorts.ListensAsync(port, () => daemon._aria2.HasExited))
            {
                await daemon.StartFrontAsync();
                return daemon;
            }

            var output = daemon.Output;
            await daemon.DisposeAsync();
            if (attempt == 3)
            {
                throw new InvalidOperationException($"aria2c did not start:\n{output}");
            }
        }
    }

    private static Process StartAria2(int port, string directory, string secret)
    {
        var info = new ProcessStartInfo("/usr/bin/aria2c")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in new[]
        {
            "--no-conf", "--enable-rpc", $"--rpc-listen-port={port}", $"--rpc-secret={secret}", $"--dir={directory}",
            "--file-allocation=none", "--summary-interval=0", "--console-log-level=warn",
            // aria2c goes when the test process goes, even if this one never gets to stop it.
            $"--stop-with-process={Environment.ProcessId}",
        })
        {
            info.ArgumentList.Add(arg);
        }

        var process = new Process { StartInfo = info };
        process.Start();
        return process;
    }

    private async Task StartFrontAsync()
    {
        _ = PumpOutputAsync(_aria2.StandardOutput);
        _ = PumpOutputAsync(_aria2.StandardError);
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        app.UseWebSockets();
        app.Run(HandleAsync);
        await app.StartAsync();
        _front = app;
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        PageUri = new Uri(address + "/");
    }

    private async Task PumpOutputAsync(StreamReader reader)
    {
        while (await reader.ReadLineAsync() is { } line)
        {
            lock (_output)
            {
                _output.AppendLine(line);
            }
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        if (path == "/jsonrpc")
        {
            if (context.WebSockets.IsWebSocketRequest)
            {
                await ProxyWebSocketAsync(context);
            }
            else
            {
                await ProxyPostAsync(context);
            }

            return;
        }

        await BrowserPageFiles.ServeAsync(context, path);
    }

    private async Task ProxyPostAsync(HttpContext context)
    {
        using var body = new MemoryStream();
        await context.Request.Body.CopyToAsync(body, context.RequestAborted);
        using var client = new HttpClient();
        using var content = new ByteArrayContent(body.ToArray());
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue("application/json");
        using var reply = await client.PostAsync(new Uri($"http://127.0.0.1:{_rpcPort}/jsonrpc"), content, context.RequestAborted);
        context.Response.StatusCode = (int)reply.StatusCode;
        context.Response.ContentType = reply.Content.Headers.ContentType?.ToString() ?? "application/json";
        await reply.Content.CopyToAsync(context.Response.Body, context.RequestAborted);
    }

    private async Task ProxyWebSocketAsync(HttpContext context)
    {
        if (!AllowWebSocket)
        {
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }

        using var upstream = new ClientWebSocket();
        await upstream.ConnectAsync(new Uri($"ws://127.0.0.1:{_rpcPort}/jsonrpc"), context.RequestAborted);
        using var downstream = await context.WebSockets.AcceptWebSocketAsync();
        using var done = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        await Task.WhenAny(PumpAsync(downstream, upstream, done.Token), PumpAsync(upstream, downstream, done.Token));
        await done.CancelAsync();
    }

    /// <summary>Copies messages one way until either side closes; a closing side closes the other.</summary>
    private static async Task PumpAsync(WebSocket from, WebSocket to, CancellationToken cancellationToken)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var received = await from.ReceiveAsync(buffer, cancellationToken);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    await to.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, null, cancellationToken);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, received.Count), received.MessageType, received.EndOfMessage, cancellationToken);
            }
        }
        catch (Exception exception) when (exception is WebSocketException or OperationCanceledException)
        {
            // One side went away: the proxy's job for this socket is over.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_front is not null)
        {
            await _front.StopAsync();
            await _front.DisposeAsync();
        }

        DaemonPorts.Stop(_aria2);
        _aria2.Dispose();
    }
}
