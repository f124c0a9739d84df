using System.Text.RegularExpressions;
using Haul.Cli;
using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Serve;

/// <summary>
/// A <c>haul serve</c> on 127.0.0.1, port 0, run in this process (the real command line, parsed
/// and run as the tool runs it) or as a child process; the bound port is read from the line it prints.
/// </summary>
public sealed partial class ServeHost : IAsyncDisposable
{
    private readonly CancellationTokenSource? _stop;
    private readonly Task<int>? _run;
    private readonly StringWriter? _error;
    private readonly HaulProcess? _process;

    private ServeHost(CancellationTokenSource stop, Task<int> run, StringWriter error)
    {
        _stop = stop;
        _run = run;
        _error = error;
    }

    private ServeHost(HaulProcess process) => _process = process;

    public int Port { get; private set; }

    public string RpcUrl => $"http://127.0.0.1:{Port}/jsonrpc";

    public Uri BaseUri => new($"http://127.0.0.1:{Port}/");

    public string Error
    {
        get
        {
            if (_process is not null)
            {
                return _process.Error;
            }

            lock (_error!)
            {
                return _error.ToString();
            }
        }
    }

    public HaulProcess? Process => _process;

    /// <summary>Starts <c>haul serve -d DIR --rpc-listen-port 0 ARGS</c> in this process.</summary>
    public static async Task<ServeHost> StartAsync(string directory, params string[] args)
    {
        var error = new StringWriter();
        var io = new CliIo(TextReader.Null, TextWriter.Null, TextWriter.Synchronized(error), ErrorIsTerminal: false);
        var stop = new CancellationTokenSource();
        var run = Task.Run(() => HaulCli.RunAsync(["serve", "-d", directory, "--rpc-listen-port", "0", .. args], io, stop.Token));
        var host = new ServeHost(stop, run, error);
        await host.WaitForPortAsync(() => run.IsCompleted);
        return host;
    }

    /// <summary>Starts the real <c>haul</c> executable as <c>haul serve -d DIR --rpc-listen-port 0 ARGS</c>.</summary>
    public static async Task<ServeHost> StartProcessAsync(string directory, params string[] args)
    {
        var host = new ServeHost(HaulProcess.Start(["serve", "-d", directory, "--rpc-listen-port", "0", .. args]));
        await host.WaitForPortAsync(() => host._process!.HasExited);
        return host;
    }

    /// <summary>Stops it as Ctrl+C does; the exit code.</summary>
    public async Task<int> StopAsync()
    {
        if (_process is not null)
        {
            _process.Interrupt();
            return await _process.WaitForExitAsync();
        }

        await _stop!.CancelAsync();
        return await _run!.WaitAsync(TimeSpan.FromSeconds(60));
    }

    /// <summary>The exit code once it stops by itself (after <c>aria2.shutdown</c>).</summary>
    public Task<int> ExitedAsync() => _process is not null ? _process.WaitForExitAsync() : _run!.WaitAsync(TimeSpan.FromSeconds(60));

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            _process.Dispose();
            return;
        }

        await _stop!.CancelAsync();
        try
        {
            await _run!.WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (OperationCanceledException)
        {
        }

        _stop.Dispose();
    }

    private async Task WaitForPortAsync(Func<bool> exited)
    {
        await Eventually.TrueAsync(() => Listening().IsMatch(Error) || exited(), "haul serve to print the port it listens on");
        var match = Listening().Match(Error);
        if (!match.Success)
        {
            throw new InvalidOperationException($"haul serve did not start: {Error}");
        }

        Port = int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex(@"listening on http://127\.0\.0\.1:(\d+)/jsonrpc")]
    private static partial Regex Listening();
}
