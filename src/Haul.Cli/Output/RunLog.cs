using System.Globalization;
using Haul.Errors;
using Haul.Events;
using Microsoft.Extensions.Logging;

namespace Haul.Cli.Output;

/// <summary>
/// What a run says while it runs: the engine's log (on stderr with -v or --debug, in the
/// --log-file with timestamps) and, without -v, a line for each retry and failure as it happens.
/// </summary>
internal sealed class RunLog : ILogger, IDisposable
{
    private readonly StreamWriter? _file;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _fileGate = new();
    private readonly LogLevel _terminalLevel;
    private readonly LogLevel _fileLevel;

    public RunLog(TextWriter error, bool verbose, bool debug, StreamWriter? file, TimeProvider timeProvider)
    {
        Lines = new TerminalLines(error);
        Verbose = verbose;
        _file = file;
        _timeProvider = timeProvider;
        _terminalLevel = debug ? LogLevel.Trace : verbose ? LogLevel.Debug : LogLevel.None;
        _fileLevel = file is null ? LogLevel.None : debug ? LogLevel.Trace : LogLevel.Debug;
    }

    public TerminalLines Lines { get; }

    /// <summary>-v or --debug: the engine's own lines are on stderr.</summary>
    public bool Verbose { get; }

    /// <summary>The logger the engine gets; null when nobody reads its lines.</summary>
    public ILogger? Logger => _terminalLevel == LogLevel.None && _fileLevel == LogLevel.None ? null : this;

    /// <summary>A log that writes nothing but the live retry and failure lines.</summary>
    public static RunLog Silent(CliIo io) => new(io.Error, verbose: false, debug: false, file: null, TimeProvider.System);

    /// <summary>
    /// Shows retries (and, where results do not already, failures) of <paramref name="engine"/> as
    /// they happen; -v shows them through the log instead. Dispose the result to stop.
    /// </summary>
    public IDisposable Watch(Downloader? engine, OutputMode mode)
    {
        if (engine is null || Verbose || mode is OutputMode.Json or OutputMode.Quiet)
        {
            return new Unsubscribe(null, null);
        }

        var failures = mode is OutputMode.Bars or OutputMode.JsonWithBars;
        EventHandler<DownloadEvent> handler = (_, e) =>
        {
            switch (e)
            {
                case DownloadRetrying retrying:
                    Lines.Write($"haul: retrying {UrlText.Masked(retrying.Url)}: try {retrying.Attempt} failed ({retrying.Kind.ToName()}): {retrying.Reason} Next try in {Seconds(retrying.Wait)}.");
                    break;
                case DownloadFailed failed when failures && failed.Error.Kind != ErrorKind.Cancelled:
                    Lines.Write($"haul: {failed.Error.Kind.ToName()}: {failed.Error.Message}");
                    break;
            }
        };
        engine.EventRaised += handler;
        return new Unsubscribe(engine, handler);
    }

    public IDisposable? BeginScope<TState>(TState state)
        where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None && (logLevel >= _terminalLevel || logLevel >= _fileLevel);

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }

        // Exceptions are named by their message only: no type names or stack traces for users.
        var message = formatter(state, exception) + (exception is null ? string.Empty : $" ({exception.Message})");
        if (logLevel >= _terminalLevel)
        {
            Lines.Write($"haul: {message}");
        }

        if (_file is not null && logLevel >= _fileLevel)
        {
            var line = Actions.DisplayText.Safe($"{_timeProvider.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture)} {Level(logLevel)} {message}");
            lock (_fileGate)
            {
                try
                {
                    _file.WriteLine(line);
                }
                catch (IOException)
                {
                    // A full disk stops the log, not the downloads.
                }
            }
        }
    }

    public void Dispose()
    {
        lock (_fileGate)
        {
            _file?.Dispose();
        }
    }

    internal static string Seconds(TimeSpan wait) => wait.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private static string Level(LogLevel level) => level switch
    {
        LogLevel.Trace => "trace",
        LogLevel.Debug => "debug",
        LogLevel.Information => "info ",
        LogLevel.Warning => "warn ",
        _ => "error",
    };

    private sealed class Unsubscribe(Downloader? engine, EventHandler<DownloadEvent>? handler) : IDisposable
    {
        public void Dispose()
        {
            if (engine is not null)
            {
                engine.EventRaised -= handler;
            }
        }
    }
}
