using System.Text.RegularExpressions;

namespace Haul.Tests.Docs;

/// <summary>One row of a Markdown flag table: its line, the command its header names (null: get or crawl), the flags in its first cell.</summary>
internal sealed record FlagRow(int Line, string? Command, IReadOnlyList<string> Flags);

/// <summary>
/// The flag tables of a Markdown document: tables whose first header cell ends in "flag"
/// (<c>| flag | meaning |</c>, <c>| `haul worker` flag | meaning |</c>).
/// </summary>
internal static partial class FlagTables
{
    public static IReadOnlyList<FlagRow> Read(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var rows = new List<FlagRow>();
        string? command = null;
        var inTable = false;
        for (var index = 0; index < lines.Length; index++)
        {
            var line = lines[index].Trim();
            if (!line.StartsWith('|'))
            {
                inTable = false;
                continue;
            }

            var first = FirstCell(line);
            if (!inTable)
            {
                inTable = first.EndsWith("flag", StringComparison.Ordinal);
                command = CommandName().Match(first) is { Success: true } named ? named.Groups[1].Value : null;
                continue;
            }

            if (first.StartsWith("---", StringComparison.Ordinal))
            {
                continue;
            }

            rows.Add(new FlagRow(index + 1, command, [.. Flag().Matches(first).Select(match => match.Value)]));
        }

        return rows;
    }

    private static string FirstCell(string line)
    {
        // Cells are split on '|' not escaped as '\|' (which stands for a literal bar in a cell).
        var cells = EscapedBar().Replace(line, "\u0001").Split('|');
        return cells.Length > 1 ? cells[1].Trim() : "";
    }

    [GeneratedRegex(@"^`haul ([a-z]+)`")]
    private static partial Regex CommandName();

    [GeneratedRegex(@"(?<![\w-])--?[A-Za-z][A-Za-z0-9-]*")]
    private static partial Regex Flag();

    [GeneratedRegex(@"\\\|")]
    private static partial Regex EscapedBar();
}
