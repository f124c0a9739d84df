using Haul.Actions;
using Haul.Progress;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace Haul.Cli.Output;

/// <summary>
/// The terminal view: an overall line (files, bar, bytes, speed, ETA) and one line per active
/// transfer. It is a Spectre.Console live display rebuilt from snapshots, because rows come and go
/// with every file and progress tasks cannot be removed once added; the rows lay themselves out
/// at whatever width the terminal has (<see cref="ProgressRows"/>).
/// </summary>
internal sealed class LiveProgressView(Func<DownloadProgress> progress, TextWriter error, Func<string, string?> environment) : IProgressView
{
    private const int MaxRows = 12;
    private readonly ProgressLine _overall = new();
    private readonly Dictionary<string, RateMeter> _speeds = new(StringComparer.Ordinal);

    /// <summary>Lines (retries, failures, -v) to write above the view while it is drawn.</summary>
    public TerminalLines? Lines { get; init; }

    public async Task ShowWhileAsync(Task work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(error),
            Interactive = InteractionSupport.Yes,
            ColorSystem = WithoutColour(environment) ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });

        Lines?.Hold();
        try
        {
            await console.Live(Render(progress()))
                .AutoClear(true)
                .Overflow(VerticalOverflow.Ellipsis)
                .StartAsync(async context =>
                {
                    while (await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(200))) != work)
                    {
                        // Written through the live display's console, the lines land above the view and it is redrawn below them.
                        foreach (var line in Lines?.Drain() ?? [])
                        {
                            console.WriteLine(line);
                        }

                        context.UpdateTarget(Render(progress()));
                    }
                });
        }
        finally
        {
            Lines?.Release();
        }

        await work;
    }

    /// <summary>NO_COLOR (any value, see no-color.org) or a terminal that says it is dumb.</summary>
    internal static bool WithoutColour(Func<string, string?> environment) =>
        !string.IsNullOrEmpty(environment("NO_COLOR")) || string.Equals(environment("TERM"), "dumb", StringComparison.Ordinal);

    /// <summary>The view of one snapshot; it takes the width it is drawn at from the console.</summary>
    internal IRenderable Render(DownloadProgress snapshot)
    {
        _overall.Update(snapshot);
        var overall = new ProgressRow(
            _overall.Files,
            null,
            _overall.Fraction,
            [$"{_overall.Bytes}  {_overall.Speed}  {_overall.Eta}", $"{_overall.Bytes}  {_overall.Eta}", _overall.Bytes]);

        var rows = new List<ProgressRow>();
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
            var received = ByteFormat.Size(transfer.Received);
            var size = transfer.Length is { } total ? $"{received}/{ByteFormat.Size(total)}" : received;
            rows.Add(new ProgressRow(
                DisplayText.Safe(transfer.Name),
                transfer.Attempt > 1 ? $" (try {transfer.Attempt})" : null,
                fraction,
                [$"{size}  {ByteFormat.Speed(meter.PerSecond)}", size, received]));
        }

        foreach (var gone in _speeds.Keys.Where(url => !seen.Contains(url)).ToList())
        {
            _speeds.Remove(gone);
        }

        var more = snapshot.Active.Count - MaxRows;
        return new ProgressRows(overall, rows, more > 0 ? $"… and {more} more in flight" : null);
    }
}
