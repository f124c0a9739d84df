using Haul.Datasets;
using Haul.Errors;
using Haul.Tests.EndToEnd;
using Microsoft.Extensions.Time.Testing;

namespace Haul.Tests.Datasets;

public sealed class DatasetProgressTests
{
    [Fact]
    public void Snapshot_SamplesOverAFakeClock_RateSuccessRateAndFailuresByKind()
    {
        var time = new FakeTimeProvider();
        var progress = new DatasetProgress(time);
        var sample = new DatasetSample(0, 0, "http://x/a.jpg", null, []);
        var image = new ProcessedImage([1], 1, 1, 1, 1);
        progress.ShardStarted("00000");
        for (var i = 0; i < 3; i++)
        {
            progress.Add(new DatasetRecord(sample, "0", image, "ab", null, Downloaded: true));
        }

        progress.Add(new DatasetRecord(sample, "1", null, null, HaulErrors.Status(sample.Url, 404, "Not Found", null), Downloaded: false));
        progress.Add(new DatasetRecord(sample, "2", null, null, HaulErrors.Status(sample.Url, 500, "Oops", null), Downloaded: false));
        progress.Add(new DatasetRecord(sample, "3", null, "cd", HaulErrors.Undecodable(sample.Url, new InvalidDataException("bad")), Downloaded: true));
        time.Advance(TimeSpan.FromSeconds(2));

        var snapshot = progress.Snapshot();

        snapshot.Samples.ShouldBe(6);
        snapshot.Successes.ShouldBe(3);
        snapshot.SuccessRate.ShouldBe(0.5);
        snapshot.SamplesPerSecond.ShouldBe(3.0);
        snapshot.FailuresByKind.ShouldBe([new("decode", 1), new("http", 2)]);
        snapshot.Shard.ShouldBe("00000");
        snapshot.ShardsDone.ShouldBe(0);

        progress.ShardFinished();
        progress.Snapshot().ShouldSatisfyAllConditions(s => s.ShardsDone.ShouldBe(1), s => s.Shard.ShouldBeNull());
    }

    [Fact]
    public async Task RunAsync_SamplesFinishing_ProgressMovesBeforeTheShardIsWritten()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        var picture = TestImages.Solid(20, 20, ".jpg", 1, 2, 3);
        server.MapFile("/a.jpg", picture);
        server.MapFile("/b.jpg", picture);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Map("/held.jpg", async (context, _) =>
        {
            await release.Task;
            await server.ServeAsync(context, picture);
        });
        string[] paths = ["/a.jpg", "/missing", "/b.jpg", "/held.jpg"];
        var samples = paths.Select((p, i) => new DatasetSample(0, i, server.Url(p), null, [])).ToList();
        var options = new DatasetRunOptions
        {
            OutputFolder = temp.Out,
            SamplesPerShard = 10,
            Image = new DatasetImageOptions { ImageSize = 16 },
            Engine = DownloaderHarness.Options(temp.Out) with { MaxConcurrent = 4, Retries = 0 },
        };
        using var pipeline = new DatasetPipeline(options);

        var run = pipeline.RunAsync(samples.ToAsyncEnumerable(), TestContext.Current.CancellationToken);
        try
        {
            await Eventually.TrueAsync(() => pipeline.Progress.Snapshot().Samples == 3, "three samples counted");
            var snapshot = pipeline.Progress.Snapshot();
            snapshot.Successes.ShouldBe(2);
            snapshot.FailuresByKind.ShouldBe([new("http", 1)]);
            snapshot.Shard.ShouldBe("00000");
            File.Exists(Path.Combine(temp.Out, "00000_stats.json")).ShouldBeFalse();
        }
        finally
        {
            release.TrySetResult();
        }

        await run;
        pipeline.Progress.Snapshot().ShouldSatisfyAllConditions(s => s.Samples.ShouldBe(4), s => s.Successes.ShouldBe(3), s => s.ShardsDone.ShouldBe(1));
    }
}
