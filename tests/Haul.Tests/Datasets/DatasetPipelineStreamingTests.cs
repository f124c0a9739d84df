using System.Collections.Concurrent;
using Haul.Datasets;
using Haul.Tests.EndToEnd;
using NetVips;

using static Haul.Tests.Datasets.DatasetOutput;

namespace Haul.Tests.Datasets;

/// <summary>Shards written as samples finish: in key order whatever order they finish in, with exact bytes, within a bounded window.</summary>
public sealed class DatasetPipelineStreamingTests
{
    private static readonly DatasetImageOptions Resize = new() { ImageSize = 32, ResizeMode = DatasetResizeMode.KeepRatio };

    [Fact]
    public async Task RunAsync_ShardLargerThanTheReorderWindow_MembersInKeyOrderWithExactBytes()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        var pictures = Enumerable.Range(0, 40).Select(i => TestImages.Solid(40 + i, 30 + (i % 5), ".jpg", 6 * i, 255 - (5 * i), 90)).ToArray();
        for (var i = 1; i < pictures.Length; i++)
        {
            server.MapFile($"/p{i}.jpg", pictures[i]);
        }

        // The first picture is answered only once the sixth is processed, so it finishes after later ones.
        var sixthDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.MapFile("/p5.jpg", pictures[5]);
        server.Map("/p0.jpg", async (context, _) =>
        {
            await sixthDone.Task.WaitAsync(TimeSpan.FromSeconds(60));
            await server.ServeAsync(context, pictures[0]);
        });
        var processor = new RecordingProcessor(new VipsImageProcessor(Resize), (url, done) =>
        {
            if (done && url.EndsWith("/p5.jpg", StringComparison.Ordinal))
            {
                sixthDone.TrySetResult();
            }
        });
        var options = Options(temp.Out, samplesPerShard: 40, maxConcurrent: 4) with { ReorderWindow = 1 };
        using var pipeline = new DatasetPipeline(options, processor);

        var summary = await pipeline.RunAsync(Samples(server, 40).ToAsyncEnumerable(), TestContext.Current.CancellationToken);

        pipeline.WindowSize.ShouldBeLessThan(40, "the shard must not fit in the window");
        summary.Successes.ShouldBe(40);
        processor.Order.IndexOf(server.Url("/p0.jpg")).ShouldBeGreaterThan(processor.Order.IndexOf(server.Url("/p5.jpg")));
        var members = ReadTar(Path.Combine(temp.Out, "00000.tar"));
        members.Select(m => m.Name).ShouldBe(Enumerable.Range(0, 40).Select(i => DatasetKeys.Key(0, i, 40)).SelectMany(key => new[] { $"{key}.jpg", $"{key}.txt", $"{key}.json" }));
        var reference = new VipsImageProcessor(Resize);
        for (var i = 0; i < 40; i++)
        {
            var expected = reference.Process(pictures[i], "reference");
            var picture = members[3 * i].Content;
            Sha(picture).ShouldBe(Sha(expected.Bytes), $"picture {i}");
            using var image = Image.NewFromBuffer(picture);
            (image.Width, image.Height).ShouldBe((expected.Width, 32));
        }
    }

    [Fact]
    public async Task RunAsync_TwoWorkersFinishingInReverse_KeysStayInOrderAcrossShards()
    {
        Environment.ProcessorCount.ShouldBeGreaterThanOrEqualTo(2, "two pictures at once need two processors");
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        var pictures = Enumerable.Range(0, 6).Select(i => TestImages.Solid(50 + i, 40, ".jpg", 40 * i, 80, 200)).ToArray();
        for (var i = 0; i < pictures.Length; i++)
        {
            server.MapFile($"/p{i}.jpg", pictures[i]);
        }

        // Picture 0 is held in its worker until picture 1 is done in the other: they run at once and finish reversed.
        var firstDone = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var processor = new RecordingProcessor(new VipsImageProcessor(Resize), (url, done) =>
        {
            if (url.EndsWith("/p0.jpg", StringComparison.Ordinal))
            {
                firstDone.Task.Wait(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken).ShouldBeTrue("picture 1 was never processed beside picture 0");
            }
            else if (url.EndsWith("/p1.jpg", StringComparison.Ordinal) && done)
            {
                firstDone.TrySetResult();
            }
        });
        var options = Options(temp.Out, samplesPerShard: 3, maxConcurrent: 2) with { MaxConcurrentProcessing = 2 };
        using var pipeline = new DatasetPipeline(options, processor);

        await pipeline.RunAsync(Samples(server, 6).ToAsyncEnumerable(), TestContext.Current.CancellationToken);

        processor.Order.IndexOf(server.Url("/p0.jpg")).ShouldBeGreaterThan(processor.Order.IndexOf(server.Url("/p1.jpg")));
        ReadTar(Path.Combine(temp.Out, "00000.tar")).Where(m => m.Name.EndsWith(".jpg", StringComparison.Ordinal)).Select(m => m.Name)
            .ShouldBe([.. Enumerable.Range(0, 3).Select(i => $"{DatasetKeys.Key(0, i, 3)}.jpg")]);
        ReadTar(Path.Combine(temp.Out, "00001.tar")).Where(m => m.Name.EndsWith(".jpg", StringComparison.Ordinal)).Select(m => m.Name)
            .ShouldBe([.. Enumerable.Range(0, 3).Select(i => $"{DatasetKeys.Key(1, i, 3)}.jpg")]);
        var members = ReadTar(Path.Combine(temp.Out, "00000.tar"));
        Sha(members[0].Content).ShouldBe(Sha(new VipsImageProcessor(Resize).Process(pictures[0], "reference").Bytes));
        Sha(members[3].Content).ShouldBe(Sha(new VipsImageProcessor(Resize).Process(pictures[1], "reference").Bytes));
    }

    [Fact]
    public async Task RunAsync_MoreProcessesThanProcessors_AtMostOnePicturePerProcessorAtOnce()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        var picture = TestImages.Solid(64, 48, ".jpg", 10, 200, 10);
        for (var i = 0; i < 24; i++)
        {
            server.MapFile($"/p{i}.jpg", picture);
        }

        var processor = new RecordingProcessor(new VipsImageProcessor(Resize));
        var options = Options(temp.Out, samplesPerShard: 8, maxConcurrent: 16) with { MaxConcurrentProcessing = 64 };
        using var pipeline = new DatasetPipeline(options, processor);

        var summary = await pipeline.RunAsync(Samples(server, 24).ToAsyncEnumerable(), TestContext.Current.CancellationToken);

        pipeline.ProcessingWorkers.ShouldBe(Environment.ProcessorCount);
        summary.Successes.ShouldBe(24);
        processor.PeakAtOnce.ShouldBeLessThanOrEqualTo(Environment.ProcessorCount);
    }

    [Fact]
    public async Task RunAsync_WriterFails_RunFailsWithTheWritersErrorAndNoShardUnderAFinalName()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        var picture = TestImages.Solid(64, 48, ".jpg", 10, 200, 10);
        for (var i = 0; i < 6; i++)
        {
            server.MapFile($"/p{i}.jpg", picture);
        }

        // Picture 4, in shard 1, comes back without bytes: the writer cannot write it.
        var processor = new BrokenProcessor(new VipsImageProcessor(Resize), "/p4.jpg");
        using var pipeline = new DatasetPipeline(Options(temp.Out, samplesPerShard: 3, maxConcurrent: 2), processor);

        await Should.ThrowAsync<ArgumentNullException>(() => pipeline.RunAsync(Samples(server, 6).ToAsyncEnumerable(), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));

        File.Exists(Path.Combine(temp.Out, "00000_stats.json")).ShouldBeTrue();
        File.Exists(Path.Combine(temp.Out, "00001.tar")).ShouldBeFalse();
        File.Exists(Path.Combine(temp.Out, "00001.parquet")).ShouldBeFalse();
        File.Exists(Path.Combine(temp.Out, "00001_stats.json")).ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_ProcessorBugOnOneSample_RunFailsWithThatErrorNotACancellationAndNoShardUnderAFinalName()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        var picture = TestImages.Solid(64, 48, ".jpg", 10, 200, 10);
        for (var i = 0; i < 50; i++)
        {
            server.MapFile($"/p{i}.jpg", picture);
        }

        // A bug, not a bad picture: not a HaulException.
        var processor = new ThrowingProcessor(new VipsImageProcessor(Resize), "/p5.jpg");
        using var pipeline = new DatasetPipeline(Options(temp.Out, samplesPerShard: 10, maxConcurrent: 4), processor);

        var error = await Should.ThrowAsync<InvalidOperationException>(() => pipeline.RunAsync(Samples(server, 50).ToAsyncEnumerable(), TestContext.Current.CancellationToken)
            .WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));

        error.Message.ShouldBe(ThrowingProcessor.Message);
        Directory.Exists(temp.Out).ShouldBeTrue();
        Directory.EnumerateFiles(temp.Out, "*", SearchOption.AllDirectories)
            .Where(path => path.EndsWith(".tar", StringComparison.Ordinal) || path.EndsWith(".parquet", StringComparison.Ordinal) || path.EndsWith("_stats.json", StringComparison.Ordinal))
            .ShouldBeEmpty();
    }

    private static DatasetRunOptions Options(string folder, int samplesPerShard, int maxConcurrent) => new()
    {
        OutputFolder = folder,
        SamplesPerShard = samplesPerShard,
        Image = Resize,
        Engine = DownloaderHarness.Options(folder) with { MaxConcurrent = maxConcurrent, Retries = 0 },
    };

    private static List<DatasetSample> Samples(LoopbackServer server, int count) =>
        [.. Enumerable.Range(0, count).Select(i => new DatasetSample(0, i, server.Url($"/p{i}.jpg"), $"picture {i}", []))];

    private sealed class ThrowingProcessor(IImageProcessor inner, string brokenPath) : IImageProcessor
    {
        public const string Message = "The processor broke on picture 5.";

        public ProcessedImage Process(byte[] data, string url) =>
            url.EndsWith(brokenPath, StringComparison.Ordinal) ? throw new InvalidOperationException(Message) : inner.Process(data, url);
    }

    private sealed class BrokenProcessor(IImageProcessor inner, string brokenPath) : IImageProcessor
    {
        public ProcessedImage Process(byte[] data, string url)
        {
            var image = inner.Process(data, url);
            return url.EndsWith(brokenPath, StringComparison.Ordinal) ? image with { Bytes = null! } : image;
        }
    }

    /// <summary>Processes with libvips, recording the order pictures finish in and how many were processed at once.</summary>
    private sealed class RecordingProcessor(IImageProcessor inner, Action<string, bool>? hook = null) : IImageProcessor
    {
        private readonly ConcurrentQueue<string> _order = new();
        private int _atOnce;
        private int _peak;

        public List<string> Order => [.. _order];

        public int PeakAtOnce => Volatile.Read(ref _peak);

        public ProcessedImage Process(byte[] data, string url)
        {
            var now = Interlocked.Increment(ref _atOnce);
            InterlockedMax(ref _peak, now);
            try
            {
                hook?.Invoke(url, false);
                var image = inner.Process(data, url);
                _order.Enqueue(url);
                hook?.Invoke(url, true);
                return image;
            }
            finally
            {
                Interlocked.Decrement(ref _atOnce);
            }
        }

        private static void InterlockedMax(ref int target, int value)
        {
            var seen = Volatile.Read(ref target);
            while (value > seen)
            {
                var previous = Interlocked.CompareExchange(ref target, value, seen);
                if (previous == seen)
                {
                    return;
                }

                seen = previous;
            }
        }
    }
}
