using System.CommandLine;
using System.Text.RegularExpressions;
using Haul.Cli;

namespace Haul.Tests.Docs;

/// <summary>The README's flags against the command tree <c>haul --help</c> prints.</summary>
public sealed class ReadmeFlagTests
{
    private static readonly string[] NotDocumentedPerCommand = ["--help", "-h", "-?", "/h", "/?", "--version"];

    [Fact]
    public void FlagTables_EveryFlag_IsAnOptionOfItsCommand()
    {
        var commands = Commands();
        var rows = FlagTables.Read(File.ReadAllText(RepositoryFiles.Readme));

        rows.Count.ShouldBeGreaterThan(40, "README.md's flag tables were not found");
        var unknown = rows
            .SelectMany(row => row.Flags
                .Where(flag => !(row.Command is { } name ? commands[name] : [.. commands["get"], .. commands["crawl"]]).Contains(flag))
                .Select(flag => $"README.md line {row.Line}: {flag} is not a flag of haul {row.Command ?? "get or crawl"}"))
            .ToList();

        unknown.ShouldBeEmpty(string.Join('\n', unknown));
    }

    [Fact]
    public void Readme_EveryLongFlagOfEveryCommand_IsDocumented()
    {
        var readme = File.ReadAllText(RepositoryFiles.Readme);

        var missing = Commands()
            .SelectMany(command => command.Value
                .Where(flag => flag.StartsWith("--", StringComparison.Ordinal) && !NotDocumentedPerCommand.Contains(flag))
                .Where(flag => !Regex.IsMatch(readme, $@"(?<![\w-]){Regex.Escape(flag)}(?![\w-])"))
                .Select(flag => $"haul {command.Key} {flag}"))
            .Distinct()
            .ToList();

        missing.ShouldBeEmpty($"not in README.md:\n{string.Join('\n', missing)}");
    }

    [Fact]
    public void FlagTablesRead_WorkerAndPlainTables_FlagsAndCommandOfEachRow()
    {
        const string markdown = """
            | `haul worker` flag | meaning (default) |
            | --- | --- |
            | `-d, --dir DIR` | output (`.`) |
            | `--exit-when-done false` | wait |

            | flag | meaning |
            | --- | --- |
            | `--scope host\|domain` | scope, see `--depth` |
            """;

        var rows = FlagTables.Read(markdown);

        rows.Select(row => $"{row.Line} {row.Command} {string.Join(' ', row.Flags)}")
            .ShouldBe(["3 worker -d --dir", "4 worker --exit-when-done", "8  --scope"]);
    }

    /// <summary>Every option name and alias of each haul command, by command name.</summary>
    private static Dictionary<string, HashSet<string>> Commands()
    {
        var root = HaulCli.CreateRoot(new CliIo(TextReader.Null, TextWriter.Null, TextWriter.Null, ErrorIsTerminal: false));
        var recursive = root.Options.Where(option => option.Recursive).SelectMany(option => option.Aliases.Append(option.Name)).ToList();
        return root.Subcommands.ToDictionary(
            command => command.Name,
            command => command.Options.SelectMany(option => option.Aliases.Append(option.Name)).Concat(recursive).ToHashSet(StringComparer.Ordinal));
    }
}
