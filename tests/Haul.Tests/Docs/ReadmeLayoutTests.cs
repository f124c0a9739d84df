using System.Text.RegularExpressions;
using Haul.Cli;

namespace Haul.Tests.Docs;

/// <summary>The README's "Layout" block lists each path once and names only folders, files and commands that exist.</summary>
public sealed partial class ReadmeLayoutTests
{
    [Fact]
    public void Layout_EachPathOnceAndEveryFolderFileAndCommand_Exists()
    {
        var readme = File.ReadAllText(RepositoryFiles.Readme).ReplaceLineEndings("\n");
        var headings = readme.Split('\n').Select((text, index) => (text, line: index + 1)).Where(entry => entry.text == "## Layout").ToList();
        var heading = headings.ShouldHaveSingleItem("README.md has one '## Layout'").line;
        var block = MarkdownFences.Read(readme).Blocks.First(candidate => candidate.OpenLine > heading);
        var commands = HaulCli.CreateRoot(new CliIo(TextReader.Null, TextWriter.Null, TextWriter.Null, ErrorIsTerminal: false))
            .Subcommands.Select(command => command.Name).ToHashSet(StringComparer.Ordinal);

        var problems = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var line in block.Code.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var path = line.Split(' ', 2)[0];
            if (!seen.Add(path))
            {
                problems.Add($"{path} is listed twice");
            }

            var full = Path.Combine(RepositoryFiles.Root, path);
            if (!Directory.Exists(full) && !File.Exists(full))
            {
                problems.Add($"{path} does not exist");
                continue;
            }

            var rest = line[path.Length..];
            problems.AddRange(Folder().Matches(rest).Select(match => match.Groups[1].Value)
                .Where(folder => !Directory.Exists(Path.Combine(full, folder)))
                .Select(folder => $"{path}{folder}/ does not exist"));
            problems.AddRange(FileName().Matches(rest).Select(match => match.Groups[1].Value)
                .Where(file => !File.Exists(Path.Combine(full, file)))
                .Select(file => $"{path}{file} does not exist"));
            problems.AddRange(CommandList().Matches(rest).SelectMany(match => match.Groups[1].Value.Split(", "))
                .Where(command => !commands.Contains(command))
                .Select(command => $"haul {command} is not a command"));
        }

        problems.ShouldBeEmpty($"README.md, Layout (line {block.OpenLine}):\n{string.Join('\n', problems)}");
    }

    // "Transfer/", "Trickle/": a folder named after the path it follows; "docs/benchmarks.md" is left alone.
    [GeneratedRegex(@"(?<![\w/.-])([A-Z][A-Za-z.]*)/")]
    private static partial Regex Folder();

    // "many-small.sh", "benchmarks.md": a file in the path the line is about.
    [GeneratedRegex(@"(?<![\w/.-])([\w-]+\.(?:sh|md|cs))\b")]
    private static partial Regex FileName();

    // "Commands/ (get, crawl, …)"
    [GeneratedRegex(@"Commands/ \(([a-z, ]+)\)")]
    private static partial Regex CommandList();
}
