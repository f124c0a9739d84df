using System.Collections.Concurrent;
using System.Globalization;
using Haul.Datasets;
using Spectre.Console;

namespace Haul.Cli.Output;

/// <summary>
/// A data set run's progress on stderr: samples/s, success rate and failures by kind, from the
/// pipeline's counts, which move with every sample. Live, it is one line redrawn in place with the
/// shard lines printed above it; plain, it is one line every <c>interval</c>, between the shard lines.
/// </summary>
internal sealed class DatasetProgressView(Func<DatasetProgressSnapshot> snapshot, TextWriter error, TimeProvider timeProvider, TimeSpan interval, bool live, Func<string, string?> environment)
{
    private readonly ConcurrentQueue<string> _held = new();
    private readonly Lock _writing = new();
    private volatile bool _drawing;

    /// <summary>Writes a line (a shard's) above the live view, or at once between plain lines.</summary>
    public void WriteLine(string line)
    {
        if (_drawing)
        {
            _held.Enqueue(line);
            return;
        }

        lock (_writing)
        {
            error.WriteLine(line);
        }
    }

    public async Task ShowWhileAsync(Task work)
    {
        if (live)
        {
            await ShowLiveAsync(work);
            return;
        }

        using var timer = new PeriodicTimer(interval, timeProvider);
        while (await Task.WhenAny(work, timer.WaitForNextTickAsync().AsTask()) != work)
        {
            var line = "haul: " + Line(snapshot());
            lock (_writing)
            {
                error.WriteLine(line);
            }
        }

        await work;
    }

    /// <summary>One progress line: samples, success rate, failures by kind, samples/s, and the shard being built.</summary>
    internal static string Line(DatasetProgressSnapshot progress)
    {
        var text = string.Create(CultureInfo.InvariantCulture, $"{progress.Samples} samples, {progress.Successes} ok ({100 * progress.SuccessRate:0.0}%)");
        if (progress.FailuresByKind.Count > 0)
        {
            text += ", failed: " + string.Join(", ", progress.FailuresByKind.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Key} {k.Value}")));
        }

        text += string.Create(CultureInfo.InvariantCulture, $", {progress.SamplesPerSecond:0.0} samples/s, {progress.ShardsDone} shards done");
        return progress.Shard is { } shard ? $"{text}, building {shard}" : text;
    }

    private async Task ShowLiveAsync(Task work)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(error),
            Interactive = InteractionSupport.Yes,
            ColorSystem = LiveProgressView.WithoutColour(environment) ? ColorSystemSupport.NoColors : ColorSystemSupport.Detect,
        });

        _drawing = true;
        try
        {
            await console.Live(new Text(Line(snapshot())))
                .AutoClear(true)
                .Overflow(VerticalOverflow.Ellipsis)
                .StartAsync(async context =>
                {
                    while (await Task.WhenAny(work, Task.Delay(TimeSpan.FromMilliseconds(200), timeProvider)) != work)
                    {
                        while (_held.TryDequeue(out var line))
                        {
                            console.WriteLine(line);
                        }

                        context.UpdateTarget(new Text(Line(snapshot())));
                    }
                });
        }
        finally
        {
            _drawing = false;
            while (_held.TryDequeue(out var line))
            {
                await error.WriteLineAsync(line);
            }
        }

        await work;
    }
}
