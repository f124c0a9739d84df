using System.CommandLine;
using System.Net.Sockets;
using Haul.Cli.Commands;
using Haul.Serving;

namespace Haul.Cli.Serve;

/// <summary>
/// <c>haul serve -d DIR</c>: a daemon that keeps a download queue in DIR's journal and takes
/// orders over aria2's JSON-RPC (HTTP and WebSocket at <c>/jsonrpc</c>), with a web page at <c>/</c>.
/// Ctrl+C, SIGTERM or <c>aria2.shutdown</c> stop it; transfers keep their <c>.part</c> files and
/// the next start goes on with the same queue.
/// </summary>
internal static class ServeCommand
{
    /// <summary>The engine admits this many downloads; the table decides how many run (max-concurrent-downloads).</summary>
    private const int EngineWindow = 4096;

    public static Command Create(CliIo io)
    {
        var dir = new Option<string>("--dir", "-d") { Description = "The download directory; its journal keeps the queue. Clients cannot write outside it.", DefaultValueFactory = _ => "." };
        var port = NumberOptions.Whole("--rpc-listen-port", null, 0, 65_535, 6800, "The port of /jsonrpc and the web page (0: any free port, printed on stderr).");
        var listenAll = new Option<bool>("--rpc-listen-all") { Description = "Listen on every interface, not only 127.0.0.1 (needs --rpc-secret)." };
        var secret = new Option<string?>("--rpc-secret") { Description = "The token clients must send ('token:SECRET' as first parameter); also read from $HAUL_RPC_SECRET." };
        var allowOrigin = new Option<bool>("--rpc-allow-origin-all") { Description = "Answer browsers on pages of other origins (CORS, with the preflight); refused by default." };
        var maxRequest = new Option<string>("--rpc-max-request-size") { Description = "The largest request body taken (e.g. 2M); larger ones are refused unread.", DefaultValueFactory = _ => "2M" };
        var maxConcurrent = NumberOptions.Whole("--max-concurrent-downloads", "-j", 1, 10_000, 5, "Downloads that run at once; the rest wait in the queue (changeable over RPC).");
        var maxPerHost = NumberOptions.Whole("--max-per-host", null, 1, 10_000, 8, "Connections to one host at once.");
        var maxResults = NumberOptions.Whole("--max-download-result", null, 0, 1_000_000, 1000, "Finished downloads kept in the stopped list (and the journal); the oldest go first (changeable over RPC).");
        var command = new Command("serve", "Run a download daemon: aria2-compatible JSON-RPC (AriaNg and other aria2 front-ends work) and a web page, with the queue kept in DIR's journal.")
        {
            dir, port, listenAll, secret, allowOrigin, maxRequest, maxConcurrent, maxPerHost, maxResults,
        };
        var attemptFlags = new AttemptFlags();
        attemptFlags.AddTo(command);
        var requestFlags = new RequestFlags();
        requestFlags.AddTo(command);
        var speedFlags = new SpeedFlags();
        speedFlags.AddTo(command);
        var transferFlags = new TransferFlags();
        transferFlags.AddTo(command);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var settings = new ServeSettings
            {
                Port = parseResult.GetValue(port),
                ListenAll = parseResult.GetValue(listenAll),
                Secret = parseResult.GetValue(secret) ?? io.Environment("HAUL_RPC_SECRET"),
                AllowOriginAll = parseResult.GetValue(allowOrigin),
                MaxRequestSize = ArgumentChecks.Size(parseResult.GetValue(maxRequest)!, "--rpc-max-request-size") is >= 1024 and <= 1024L * 1024 * 1024 and var size
                    ? (int)size
                    : throw new UsageException("--rpc-max-request-size must be from 1K to 1G."),
            };
            if (settings.Secret is { Length: 0 })
            {
                settings = settings with { Secret = null };
            }

            if (settings.ListenAll && settings.Secret is null)
            {
                throw new UsageException("--rpc-listen-all needs --rpc-secret: without it anyone on the network could drive the daemon.");
            }

            var options = new DownloadOptions
            {
                Directory = ArgumentChecks.Directory(parseResult.GetValue(dir)!),
                MaxConcurrent = EngineWindow,
                MaxPerHost = parseResult.GetValue(maxPerHost),
            };
            options = await requestFlags.ApplyAsync(parseResult, speedFlags.Apply(parseResult, attemptFlags.Apply(parseResult, options)), io);
            options = transferFlags.Apply(parseResult, options);
            return await RunAsync(options, settings, parseResult.GetValue(maxConcurrent), parseResult.GetValue(maxResults), io, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(DownloadOptions options, ServeSettings settings, int maxConcurrent, int maxResults, CliIo io, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(options.Directory);
        using var downloader = new Downloader(options);
        ServedQueueStore store;
        try
        {
            store = ServedQueueStore.Open(options.Directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or Microsoft.Data.Sqlite.SqliteException)
        {
            await io.Error.WriteLineAsync($"haul: cannot open the journal in {options.Directory}: {ex.Message}");
            return ExitCodes.Usage;
        }

        using (store)
        using (var table = new DownloadTable(downloader, store, maxConcurrent))
        using (var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            table.SetMaxDownloadResult(maxResults);
            var global = new GlobalOptions(options, settings, maxConcurrent, maxResults);
            var crawls = new ServeCrawls(options, table, stop.Token);
            var dispatcher = new RpcDispatcher(table, settings.Secret, global) { AddCrawl = crawls.Start };
            RpcServer server;
            try
            {
                server = RpcServer.Start(settings, dispatcher);
            }
            catch (SocketException ex)
            {
                await io.Error.WriteLineAsync($"haul: cannot listen on port {settings.Port}: {ex.Message}");
                return ExitCodes.Usage;
            }

            await using (server)
            {
                table.Notified += server.Broadcast;
                server.ShutdownRequested += () => stop.Cancel();
                var host = settings.ListenAll ? "0.0.0.0" : "127.0.0.1";
                await io.Error.WriteLineAsync($"haul serve: listening on http://{host}:{server.Port}/jsonrpc (web page: http://{host}:{server.Port}/), saving into {Path.GetFullPath(options.Directory)}");
                await io.Error.FlushAsync(CancellationToken.None);
                try
                {
                    await table.RunAsync(stop.Token);
                }
                catch (OperationCanceledException) when (stop.IsCancellationRequested)
                {
                }

                await crawls.StoppedAsync();

                table.Notified -= server.Broadcast;
            }
        }

        await io.Error.WriteLineAsync("haul serve: stopped; unfinished downloads go on at the next start.");
        return cancellationToken.IsCancellationRequested ? ExitCodes.Interrupted : ExitCodes.Success;
    }
}
