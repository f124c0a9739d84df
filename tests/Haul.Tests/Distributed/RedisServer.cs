using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Haul.Distributed;
using StackExchange.Redis;

namespace Haul.Tests.Distributed;

/// <summary>
/// A real <c>redis-server</c> on 127.0.0.1, on a free port, with its own data folder; without
/// persistence unless a test asks for the append-only file. Stopped and removed on dispose.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private readonly string _folder;
    private readonly bool _appendOnly;
    private Process? _process;
    private ConnectionMultiplexer? _client;

    private RedisServer(string folder, bool appendOnly)
    {
        _folder = folder;
        _appendOnly = appendOnly;
    }

    public int Port { get; private set; }

    public static async Task<RedisServer> StartAsync(bool appendOnly = false)
    {
        var server = new RedisServer(Directory.CreateTempSubdirectory("haul-redis-").FullName, appendOnly);
        for (var attempt = 1; ; attempt++)
        {
            server.Port = FreePort();
            try
            {
                await server.LaunchAsync();
                return server;
            }
            catch (IOException) when (attempt < 5)
            {
                // Another process took the port between our probe and redis-server's bind: try another.
            }
        }
    }

    /// <summary>The address of a job on this server.</summary>
    public string Job(string name) => $"redis://127.0.0.1:{Port}/{name}";

    internal JobKeys Keys(string job) => new(job);

    /// <summary>A client for the test's own looks into the job.</summary>
    public IDatabase Database => (_client ??= ConnectionMultiplexer.Connect(new ConfigurationOptions
    {
        EndPoints = { { IPAddress.Loopback, Port } },
        AbortOnConnectFail = false,
        ConnectTimeout = 10000,
        SyncTimeout = 30000,
        AsyncTimeout = 30000,
    })).GetDatabase();

    /// <summary>SIGKILL: nothing is flushed beyond what the append-only file already holds.</summary>
    public async Task KillAsync()
    {
        _process!.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
        _process = null;
    }

    /// <summary>Starts the server again on the same port and folder (it reloads the append-only file).</summary>
    public Task RestartAsync() => LaunchAsync();

    public async ValueTask DisposeAsync()
    {
        if (_client is not null)
        {
            await _client.DisposeAsync();
        }

        if (_process is not null)
        {
            await KillAsync();
        }

        try
        {
            Directory.Delete(_folder, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private async Task LaunchAsync()
    {
        var info = new ProcessStartInfo("redis-server")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = _folder,
        };
        foreach (var argument in new[]
        {
            "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--dir", _folder,
            "--save", string.Empty, "--appendonly", _appendOnly ? "yes" : "no", "--appendfsync", "always", "--protected-mode", "yes",
        })
        {
            info.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(info)!;
        }
        catch (System.ComponentModel.Win32Exception ex)
        {
            throw new InvalidOperationException("redis-server is not installed; test.sh installs it (apt-get install redis-server).", ex);
        }

        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (!await AnswersAsync())
        {
            if (process.HasExited)
            {
                process.Dispose();
                throw new IOException($"redis-server could not start on port {Port}.");
            }

            if (DateTime.UtcNow > deadline)
            {
                process.Kill();
                process.Dispose();
                throw new TimeoutException($"redis-server did not answer on port {Port} within 30 s.");
            }

            await Task.Delay(20);
        }

        _process = process;
    }

    /// <summary>True once the server answers PING with PONG (and has loaded its data).</summary>
    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, Port);
            await socket.SendAsync("PING\r\n"u8.ToArray());
            var buffer = new byte[64];
            var read = await socket.ReceiveAsync(buffer);
            return System.Text.Encoding.ASCII.GetString(buffer, 0, read).StartsWith("+PONG", StringComparison.Ordinal);
        }
        catch (SocketException)
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
