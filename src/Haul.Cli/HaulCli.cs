using System.CommandLine;
using Haul.Cli.Commands;

namespace Haul.Cli;

/// <summary>Builds the <c>haul</c> command tree and runs one command line.</summary>
internal static class HaulCli
{
    public static async Task<int> RunAsync(string[] args, CliIo io, CancellationToken cancellationToken = default)
    {
        var root = new RootCommand("Haul: a concurrent, resumable downloader and picture crawler.")
        {
            GetCommand.Create(io),
            CrawlCommand.Create(io),
            ListCommand.Create(io),
            DemoCommand.Create(io),
            EnqueueCommand.Create(io),
            WorkerCommand.Create(io),
            StatusCommand.Create(io),
        };

        var parseResult = root.Parse(WithShorthand(root, args));
        if (parseResult.Errors.Count > 0)
        {
            // Some parser messages span lines (the allowed values, one per line): keep it to one.
            var message = string.Join(' ', parseResult.Errors[0].Message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
            await io.Error.WriteLineAsync($"haul: {message} (see 'haul --help')");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = io.Out,
            Error = io.Error,
            EnableDefaultExceptionHandler = false,
            // Ctrl+C cancels the token; in-flight transfers stop, report, and the command returns 130 itself.
            ProcessTerminationTimeout = TimeSpan.FromSeconds(10),
        };

        try
        {
            return await parseResult.InvokeAsync(invocation, cancellationToken);
        }
        catch (UsageException ex)
        {
            await io.Error.WriteLineAsync($"haul: {ex.Message}");
            return ExitCodes.Usage;
        }
    }

    /// <summary><c>haul URL…</c> means <c>haul get URL…</c>.</summary>
    internal static string[] WithShorthand(RootCommand root, string[] args)
    {
        if (args.Length == 0 || args[0] is "-h" or "--help" or "-?" or "--version")
        {
            return args;
        }

        return root.Subcommands.Any(command => command.Name == args[0] || command.Aliases.Contains(args[0]))
            ? args
            : ["get", .. args];
    }
}
