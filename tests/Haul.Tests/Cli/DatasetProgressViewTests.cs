using Haul.Cli.Output;
using Haul.Datasets;
using Haul.Tests.EndToEnd;
using Microsoft.Extensions.Time.Testing;

namespace Haul.Tests.Cli;

public sealed class DatasetProgressViewTests
{
    private static readonly DatasetProgressSnapshot Sample = new(
        6, 3, new SortedDictionary<string, long>(StringComparer.Ordinal) { ["decode"] = 1, ["http"] = 2 }, TimeSpan.FromSeconds(4), 2, "00002");

    [Fact]
    public void Line_Snapshot_SamplesSuccessRateFailuresByKindAndRate()
    {
        DatasetProgressView.Line(Sample).ShouldBe("6 samples, 3 ok (50.0%), failed: decode 1, http 2, 1.5 samples/s, 2 shards done, building 00002");
    }

    [Fact]
    public async Task ShowWhileAsync_Plain_ALinePerIntervalBetweenShardLines()
    {
        var time = new FakeTimeProvider();
        var error = new SynchronizedWriter();
        var view = new DatasetProgressView(() => Sample, error, time, TimeSpan.FromSeconds(5), live: false, _ => null);
        var work = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var showing = view.ShowWhileAsync(work.Task);
        error.Text.ShouldBeEmpty();
        time.Advance(TimeSpan.FromSeconds(5));
        await Eventually.TrueAsync(() => error.Text.Contains("samples/s", StringComparison.Ordinal), "a progress line");
        view.WriteLine("haul: shard 00001: done");
        time.Advance(TimeSpan.FromSeconds(5));
        await Eventually.TrueAsync(() => error.Lines.Length == 3, "a second progress line");
        work.SetResult();
        await showing;

        error.Lines.ShouldBe([
            "haul: " + DatasetProgressView.Line(Sample),
            "haul: shard 00001: done",
            "haul: " + DatasetProgressView.Line(Sample),
        ]);
    }

    private sealed class SynchronizedWriter : StringWriter
    {
        private readonly Lock _gate = new();

        public string Text
        {
            get
            {
                lock (_gate)
                {
                    return ToString();
                }
            }
        }

        public string[] Lines => Text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

        public override void WriteLine(string? value)
        {
            lock (_gate)
            {
                base.WriteLine(value);
            }
        }
    }
}
