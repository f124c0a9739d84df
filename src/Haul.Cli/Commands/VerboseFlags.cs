using System.CommandLine;
using Haul.Cli.Output;

namespace Haul.Cli.Commands;

/// <summary>
/// The flags that show what a run does, shared by <c>get</c>, <c>crawl</c> and <c>worker</c>:
/// <c>-v</c> (a line per request, reply, redirect and retry), <c>--debug</c> (their headers too,
/// credentials masked) and <c>--log-file</c> (those lines with timestamps, whatever the terminal shows).
/// </summary>
internal sealed class VerboseFlags
{
    public Option<bool> Verbose { get; } = new("--verbose", "-v") { Description = "A line on stderr per request, reply status, redirect and retry (with its reason and wait)." };

    public Option<bool> Debug { get; } = new("--debug") { Description = "As -v, with the request and reply headers (credentials, cookies and tokens masked)." };

    public Option<string?> LogFile { get; } = new("--log-file") { Description = "Append the -v lines (with --debug, the headers too), each with a UTC timestamp, to FILE." };

    public void AddTo(Command command)
    {
        command.Options.Add(Verbose);
        command.Options.Add(Debug);
        command.Options.Add(LogFile);
    }

    /// <summary>The run's log as the flags ask; the caller disposes it when the run ends.</summary>
    public RunLog Open(ParseResult parseResult, CliIo io)
    {
        var debug = parseResult.GetValue(Debug);
        var verbose = debug || parseResult.GetValue(Verbose);
        var path = parseResult.GetValue(LogFile);
        if (path is { Length: 0 })
        {
            throw new UsageException("--log-file needs a file name.");
        }

        StreamWriter? file = null;
        if (path is not null)
        {
            try
            {
                file = new StreamWriter(path, append: true) { AutoFlush = true };
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException or NotSupportedException)
            {
                throw new UsageException($"--log-file: cannot write '{path}': {ex.Message}");
            }
        }

        return new RunLog(io.Error, verbose, debug, file, TimeProvider.System);
    }
}
