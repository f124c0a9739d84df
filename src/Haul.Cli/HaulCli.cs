using System.CommandLine;
using System.CommandLine.Help;
using Haul.Cli.Commands;
using Haul.Actions;
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
            DatasetCommand.Create(io),
            Serve.ServeCommand.Create(io),
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
        try
        {
            return await ParseAndInvokeAsync(args, io, cancellationToken);
        }
        catch (UsageException ex)
        {
            await io.Error.WriteLineAsync($"haul: {DisplayText.Safe(ex.Message)}");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return ExitCodes.Interrupted;
        }
        catch (Exception ex)
        {
            // A bug, or a failure nobody foresaw: one line, never a stack trace or a .NET type name.
            await io.Error.WriteLineAsync($"haul: {InternalErrorText.Line(ex)}");
            return ExitCodes.SomeFailed;
        }
    }

    private static async Task<int> ParseAndInvokeAsync(string[] args, CliIo io, CancellationToken cancellationToken)
    {
        var root = CreateRoot(io);
        if (UnknownCommand.Find(root, args) is { } unknown)
        {
            await io.Error.WriteLineAsync($"haul: {unknown}");
            return ExitCodes.Usage;
        }

        var commandLine = WithShorthand(root, args);
        var parseResult = root.Parse(commandLine);
        if (parseResult.Errors.Count == 0 && ConfigMerge.Applies(parseResult.CommandResult.Command)
            && ConfigFile.Load(parseResult.GetValue<string?>(ConfigFlag), io.Environment) is { } config)
        {
            parseResult = root.Parse(ConfigMerge.Apply(root, commandLine, parseResult, config));
        }

        if (parseResult.Errors.Count > 0 && parseResult.Action is not HelpWithExamples)
        {
            await io.Error.WriteLineAsync($"haul: {ParserMessage.Clean(parseResult.Errors[0].Message)} (see 'haul --help')");
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

        return await parseResult.InvokeAsync(invocation, cancellationToken);
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
