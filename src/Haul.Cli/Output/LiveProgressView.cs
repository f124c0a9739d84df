using Haul.Progress;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Haul.Cli.Output;

/// <summary>
/// The terminal view: an overall bar (files, bytes, speed, ETA) and one row per active transfer.
/// It is a Spectre.Console live display rebuilt from snapshots, because rows come and go with
/// every file and progress tasks cannot be removed once added.
/// </summary>
internal sealed class LiveProgressView(Func<DownloadProgress> progress, TextWriter error) : IProgressView
{
    private const int MaxRows = 12;
    private const int BarWidth = 30;
    private readonly ProgressLine _overall = new();
    private readonly Dictionary<string, RateMeter> _speeds = new(StringComparer.Ordinal);

    public async Task ShowWhileAsync(Task work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(error),
            Interactive = InteractionSupport.Yes,
        });

        await console.Live(Render(progress()))
            .AutoClear(true)
            .Overflow(VerticalOverflow.Ellipsis)
            .StartAsync(async context =>
            {
                while (await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(200))) != work)
                {
                    context.UpdateTarget(Render(progress()));
                }
            });

        await work;
    }

    private IRenderable Render(DownloadProgress snapshot)
    {
        _overall.Update(snapshot);
        var grid = new Grid().AddColumn(new GridColumn().NoWrap()).AddColumn().AddColumn(new GridColumn().RightAligned()).AddColumn(new GridColumn().RightAligned());
        grid.AddRow(
            new Markup($"[bold]{Markup.Escape(_overall.Files)}[/]"),
            new Markup(Bar(_overall.Fraction, "green")),
            new Markup($"{_overall.Bytes}  {_overall.Speed}"),
            new Markup(Markup.Escape(_overall.Eta)));

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var transfer in snapshot.Active.Take(MaxRows))
        {
            seen.Add(transfer.Url);
            if (!_speeds.TryGetValue(transfer.Url, out var meter))
            {
                _speeds[transfer.Url] = meter = new RateMeter();
            }

            meter.Sample(snapshot.Timestamp, transfer.Received);
            double? fraction = transfer.Length is > 0 and var length ? (double)transfer.Received / length : null;
            var retry = transfer.Attempt > 1 ? $" [yellow](try {transfer.Attempt})[/]" : string.Empty;
            grid.AddRow(
                new Markup($"  {Markup.Escape(Shorten(transfer.Name, 40))}{retry}"),
                new Markup(Bar(fraction, "blue")),
                new Markup(transfer.Length is { } total ? $"{ByteFormat.Size(transfer.Received)}/{ByteFormat.Size(total)}" : ByteFormat.Size(transfer.Received)),
                new Markup(ByteFormat.Speed(meter.PerSecond)));
        }

        foreach (var gone in _speeds.Keys.Where(url => !seen.Contains(url)).ToList())
        {
            _speeds.Remove(gone);
        }

        var more = snapshot.Active.Count - MaxRows;
        return more > 0 ? new Rows(grid, new Markup($"  [grey]… and {more} more in flight[/]")) : grid;
    }

    private static string Bar(double? fraction, string color)
    {
        if (fraction is not { } value)
        {
            return $"[grey]{new string('━', BarWidth)}[/]";
        }

        var filled = (int)Math.Round(Math.Clamp(value, 0, 1) * BarWidth);
        return $"[{color}]{new string('━', filled)}[/][grey]{new string('━', BarWidth - filled)}[/]";
    }

    private static string Shorten(string text, int width) =>
        text.Length <= width ? text : string.Concat(text.AsSpan(0, width - 1), "…");
}
