using System.Globalization;
using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Haul.Cli.Output;

/// <summary>
/// The live view's lines laid out at the width Spectre draws them at: exactly one terminal line per
/// row at any width, labels shortened in the middle (<c>very-long…name.jpg</c>), numbers dropped
/// from the right before the bar goes, and bars whose done and remaining parts differ in shape as
/// well as in colour, so they read the same with NO_COLOR, on a dumb terminal or in a log.
/// </summary>
internal sealed class ProgressRows(ProgressRow overall, IReadOnlyList<ProgressRow> transfers, string? more) : Renderable
{
    private const int Indent = 2;
    private const int MinLabel = 8;
    private const int MinBar = 10;
    private const int MaxBar = 30;
    private const int MaxLabel = 48;

    protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
    {
        var layout = Layout(maxWidth);
        var (done, remaining) = options.Unicode ? ('━', '─') : ('#', '-');
        var colour = options.ColorSystem != ColorSystem.NoColors;
        var segments = new List<Segment>();
        Line(segments, overall, 0, layout, maxWidth, done, remaining, new Style(colour ? Color.Green : Color.Default), new Style(decoration: Decoration.Bold));
        foreach (var row in transfers)
        {
            Line(segments, row, Indent, layout, maxWidth, done, remaining, new Style(colour ? Color.Blue : Color.Default), Style.Plain);
        }

        if (more is not null)
        {
            segments.Add(new Segment(Fit(new string(' ', Indent) + more, maxWidth), new Style(Color.Grey)));
            segments.Add(Segment.LineBreak);
        }

        return segments;
    }

    /// <summary>The column widths every line shares at this width.</summary>
    private (int Label, int Bar, int Level, int Tail) Layout(int width)
    {
        var rows = transfers.Prepend(overall).ToList();
        var label = rows.Max(row => (row == overall ? 0 : Indent) + Cells(row.Label) + Cells(row.Note ?? string.Empty));
        var levels = rows.Max(row => row.Tails.Count);

        // The file count is never shortened: "3/35…iles" says nothing.
        var floor = Math.Max(MinLabel, Cells(overall.Label));
        for (var level = 0; level <= levels; level++)
        {
            var tail = level == levels ? 0 : rows.Max(row => Cells(Tail(row, level)));

            // label, a space, the bar, a space, the numbers.
            var room = width - tail - (tail > 0 ? 1 : 0) - 1;
            if (room >= floor + MinBar || level == levels)
            {
                var bar = Math.Clamp(room - Math.Min(label, MaxLabel), MinBar, MaxBar);
                bar = Math.Max(0, Math.Min(bar, room - floor));
                return (Math.Max(0, Math.Min(label, room - bar)), bar, level, tail);
            }
        }

        return (0, 0, levels, 0);
    }

    private static void Line(
        List<Segment> segments,
        ProgressRow row,
        int indent,
        (int Label, int Bar, int Level, int Tail) layout,
        int width,
        char done,
        char remaining,
        Style barStyle,
        Style labelStyle)
    {
        // The name comes before a note such as "(try 2)": without it the line says nothing.
        var note = row.Note ?? string.Empty;
        if (layout.Label - indent - Cells(note) < MinLabel)
        {
            note = string.Empty;
        }

        var labelRoom = Math.Max(0, layout.Label - indent - Cells(note));
        var label = new string(' ', Math.Min(indent, layout.Label)) + ShortenMiddle(row.Label, labelRoom);
        if (Cells(label) + Cells(note) > layout.Label)
        {
            note = string.Empty;
        }

        var used = 0;
        void Add(string text, Style style)
        {
            var fitted = Fit(text, width - used);
            if (fitted.Length > 0)
            {
                segments.Add(new Segment(fitted, style));
                used += Cells(fitted);
            }
        }

        Add(label, labelStyle);
        Add(note, new Style(Color.Yellow));
        Add(new string(' ', Math.Max(0, layout.Label - Cells(label) - Cells(note))), Style.Plain);
        if (layout.Bar > 0)
        {
            var filled = row.Fraction is { } fraction ? (int)Math.Round(Math.Clamp(fraction, 0, 1) * layout.Bar) : 0;
            Add(" ", Style.Plain);
            Add(new string(done, filled), barStyle);
            Add(new string(remaining, layout.Bar - filled), new Style(Color.Grey));
        }

        if (layout.Tail > 0)
        {
            Add(" " + Tail(row, layout.Level).PadLeft(layout.Tail), Style.Plain);
        }

        segments.Add(Segment.LineBreak);
    }

    private static string Tail(ProgressRow row, int level) => level < row.Tails.Count ? row.Tails[level] : string.Empty;

    /// <summary>The text in at most <paramref name="width"/> cells, the middle given up first: the start and the extension say most.</summary>
    internal static string ShortenMiddle(string text, int width)
    {
        if (Cells(text) <= width)
        {
            return text;
        }

        if (width <= 1)
        {
            return width == 1 ? "…" : string.Empty;
        }

        var elements = Elements(text);
        var headRoom = (width - 1 + 1) / 2;
        var tailRoom = width - 1 - headRoom;
        var head = new StringBuilder();
        var used = 0;
        foreach (var element in elements)
        {
            var cells = Cells(element);
            if (used + cells > headRoom)
            {
                break;
            }

            head.Append(element);
            used += cells;
        }

        var tail = new List<string>();
        used = 0;
        for (var i = elements.Count - 1; i >= 0; i--)
        {
            var cells = Cells(elements[i]);
            if (used + cells > tailRoom)
            {
                break;
            }

            tail.Insert(0, elements[i]);
            used += cells;
        }

        return head + "…" + string.Concat(tail);
    }

    /// <summary>The start of the text that fits in <paramref name="width"/> cells.</summary>
    private static string Fit(string text, int width)
    {
        if (Cells(text) <= width)
        {
            return text;
        }

        var fitted = new StringBuilder();
        var used = 0;
        foreach (var element in Elements(text))
        {
            var cells = Cells(element);
            if (used + cells > width)
            {
                break;
            }

            fitted.Append(element);
            used += cells;
        }

        return fitted.ToString();
    }

    private static List<string> Elements(string text)
    {
        var elements = new List<string>();
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            elements.Add(enumerator.GetTextElement());
        }

        return elements;
    }

    private static int Cells(string text) => text.GetCellWidth();
}
