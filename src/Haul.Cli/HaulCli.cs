using System.CommandLine;
using System.CommandLine.Help;
using Haul.Cli.Commands;
using Haul.Cli.Config;

namespace Haul.Cli;

/// <summary>Builds the <c>haul</c> command tree and runs one command line.</summary>
internal static class HaulCli
{
    internal const string ConfigFlag = "--config";

    public static RootCommand CreateRoot(CliIo io)
    {
        var root = new RootCommand("Haul: a concurrent, resumable downloader and picture crawler.")
        {
            GetCommand.Create(io),
            CrawlCommand.Create(io),
            ListCommand.Create(io),
            ConfigCommand.Create(io),
            CompletionCommand.Create(io),
            DemoCommand.Create(io),
            EnqueueCommand.Create(io),
            WorkerCommand.Create(io),
            StatusCommand.Create(io),
        };
        root.Options.Add(new Option<string?>(ConfigFlag)
        {
            Description = "The config file (default: ~/.config/haul/haul.conf); command-line flags win over it.",
            Recursive = true,
        });
        foreach (var option in root.Options)
        {
            if (option is HelpOption help && help.Action is HelpAction standard)
            {
                help.Action = new HelpWithExamples(standard);
            }
            else if (option is VersionOption version)
            {
                version.Action = new VersionAction();
            }
        }

        return root;
    }

    public static async Task<int> RunAsync(string[] args, CliIo io, CancellationToken cancellationToken = default)
    {
        var root = CreateRoot(io);
        var commandLine = WithShorthand(root, args);
        var parseResult = root.Parse(commandLine);

        try
        {
            if (parseResult.Errors.Count == 0 && ConfigMerge.Applies(parseResult.CommandResult.Command)
                && ConfigFile.Load(parseResult.GetValue<string?>(ConfigFlag), io.Environment) is { } config)
            {
                parseResult = root.Parse(ConfigMerge.Apply(root, commandLine, parseResult, config));
            }
        }
        catch (UsageException ex)
        {
            await io.Error.WriteLineAsync($"haul: {ex.Message}");
            return ExitCodes.Usage;
        }

        if (parseResult.Errors.Count > 0 && parseResult.Action is not HelpWithExamples)
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

    /// <summary><c>haul URL…</c> means <c>haul get URL…</c>; a leading <c>--config FILE</c> is looked past.</summary>
    internal static string[] WithShorthand(RootCommand root, string[] args)
    {
        var first = 0;
        while (first < args.Length && (args[first] == "--config" || args[first].StartsWith("--config=", StringComparison.Ordinal)))
        {
            first += args[first] == "--config" ? 2 : 1;
        }

        if (first >= args.Length || args[first] is "-h" or "--help" or "-?" or "--version" || args[first].StartsWith('['))
        {
            return args;
        }

        return root.Subcommands.Any(command => command.Name == args[first] || command.Aliases.Contains(args[first]))
            ? args
            : [.. args[..first], "get", .. args[first..]];
    }
}
