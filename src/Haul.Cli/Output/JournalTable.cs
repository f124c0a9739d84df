using Haul.Journal;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Haul.Cli.Output;

/// <summary>Writes <c>haul list</c>: a table of journal entries, then a totals line.</summary>
/// <remarks>
/// A Spectre table holds every cell's renderables until it is drawn, several kilobytes a row, which
/// for a 200,000-file journal is over a gigabyte. So the rows are kept as plain values, the column widths
/// fixed from all of them, and the table drawn in blocks that share those widths: each block but the
/// first drops its top border and header, each but the last its bottom border, and the blocks join
/// into one table.
/// </remarks>
internal static class JournalTable
{
    /// <summary>
    /// Piped or redirected output is not wrapped at 80 columns: one entry stays on one line, so long
    /// paths remain whole for grep and cut. The table is as wide as its content, not this width.
    /// </summary>
    private const int RedirectedWidth = 4096;

    private static readonly string[] Headers = ["File", "Size", "State", "When (UTC)", "Attempts", "Note"];

    /// <summary>Rows drawn at once; a test crosses this to check the blocks join.</summary>
    internal const int RowsPerBlock = 256;

    public static async Task WriteAsync(TextWriter output, string directory, IAsyncEnumerable<JournalEntry> entries)
    {
        var rows = new List<JournalRow>();
        await foreach (var entry in entries)
        {
            rows.Add(JournalRow.From(directory, entry));
        }

        if (rows.Count > 0)
        {
            var target = new AnsiConsoleOutput(output);
            var console = target.IsTerminal ? AnsiConsole.Create(new AnsiConsoleSettings { Out = target }) : Plain(target);
            var widths = Widths(rows);
            for (var start = 0; start < rows.Count; start += RowsPerBlock)
            {
                var block = rows.GetRange(start, Math.Min(RowsPerBlock, rows.Count - start));
                var table = Build(block, widths, target.IsTerminal, first: start == 0);
                console.Write(new BlockLines(table.GetSegments(console), keepTop: start == 0, keepBottom: start + block.Count == rows.Count));
            }
        }

        await output.WriteLineAsync(Totals(rows));
        await output.FlushAsync();
    }

    private static string Totals(List<JournalRow> rows)
    {
        int done = 0, failed = 0, pending = 0;
        long bytes = 0;
        foreach (var row in rows)
        {
            switch (row.State)
            {
                case JournalState.Done:
                    done++;
                    bytes += row.Bytes ?? 0;
                    break;
                case JournalState.Failed:
                    failed++;
                    break;
                default:
                    pending++;
                    break;
            }
        }

        return $"{done} done ({ByteFormat.Size(bytes)}), {failed} failed, {pending} pending";
    }

    /// <summary>
    /// No colours, no escape codes and an ASCII border whatever the environment (CI detection
    /// included), so redirected output is the same everywhere.
    /// </summary>
    private static IAnsiConsole Plain(AnsiConsoleOutput target)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = target,
            Ansi = AnsiSupport.No,
            ColorSystem = ColorSystemSupport.NoColors,
            Interactive = InteractionSupport.No,
            Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
        });
        console.Profile.Width = RedirectedWidth;
        return console;
    }

    private static int[] Widths(List<JournalRow> rows)
    {
        var widths = Headers.Select(header => header.GetCellWidth()).ToArray();
        foreach (var row in rows)
        {
            string[] cells = [row.File, row.Size, row.StateName, row.When, row.Attempts, row.Note];
            for (var column = 0; column < cells.Length; column++)
            {
                widths[column] = Math.Max(widths[column], cells[column].GetCellWidth());
            }
        }

        return widths;
    }

    private static Table Build(List<JournalRow> rows, int[] widths, bool terminal, bool first)
    {
        var table = new Table().Border(terminal ? TableBorder.Rounded : TableBorder.Ascii2);
        for (var column = 0; column < Headers.Length; column++)
        {
            table.AddColumn(new TableColumn(Headers[column])
            {
                Width = widths[column],
                Alignment = Headers[column] is "Size" or "Attempts" ? Justify.Right : Justify.Left,
                NoWrap = Headers[column] is "When (UTC)",
            });
        }

        if (!first)
        {
            table.HideHeaders();
        }

        foreach (var row in rows)
        {
            table.AddRow(
                new Text(row.File),
                new Text(row.Size),
                new Text(row.StateName, StateStyle(row.State)),
                new Text(row.When),
                new Text(row.Attempts),
                new Text(row.Note));
        }

        return table;
    }

    private static Style StateStyle(JournalState state) => state switch
    {
        JournalState.Done => new Style(Color.Green),
        JournalState.Failed => new Style(Color.Red),
        _ => new Style(Color.Yellow),
    };

    /// <summary>A rendered block of the table, less the border lines that would separate it from its neighbours.</summary>
    private sealed class BlockLines : Renderable
    {
        private readonly List<Segment> _segments = [];

        public BlockLines(IEnumerable<Segment> segments, bool keepTop, bool keepBottom)
        {
            // Rendered segments are merged: a line break is usually a '\n' inside a segment's text.
            var lines = new List<List<Segment>> { new() };
            foreach (var segment in segments)
            {
                if (segment.IsLineBreak)
                {
                    lines.Add([]);
                    continue;
                }

                var parts = segment.Text.Split('\n');
                for (var part = 0; part < parts.Length; part++)
                {
                    if (part > 0)
                    {
                        lines.Add([]);
                    }

                    if (parts[part].Length > 0)
                    {
                        lines[^1].Add(new Segment(parts[part], segment.Style));
                    }
                }
            }

            if (lines[^1].Count == 0)
            {
                lines.RemoveAt(lines.Count - 1);
            }

            var from = keepTop ? 0 : 1;
            var to = keepBottom ? lines.Count : lines.Count - 1;
            for (var line = from; line < to; line++)
            {
                _segments.AddRange(lines[line]);
                _segments.Add(Segment.LineBreak);
            }
        }

        protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth) => _segments;
    }
}
