using Haul.Actions;
using Haul.Progress;
using Haul.Scheduling;
using Haul.Storage;
using Haul.Tests.EndToEnd;
using Haul.Transfer;

namespace Haul.Tests.Scheduling;

public sealed class ActionBacklogTests
{
    [Fact]
    public async Task RunAsync_SlowAction_TransfersStillFinish()
    {
        var contents = Enumerable.Range(0, 12).Select(i => TestData.Bytes(2000 + i, seed: 600 + i)).ToArray();
        await using var server = await LoopbackServer.StartAsync();
        for (var i = 0; i < contents.Length; i++)
        {
            server.MapFile($"/a/{i}.bin", contents[i]);
        }

        using var temp = new TempDirectory();
        var options = DownloaderHarness.Options(temp.Out) with { MaxConcurrent = 2, UseJournal = false };
        var gate = new BlockingAction();
        using var client = HttpClientFactory.Create(options);
        var tracker = new ProgressTracker(TimeProvider.System);
        var names = new NameReservations();
        var transfer = new ResumableTransfer(client, options, new RetryPolicy(options), names, tracker, null, null, null, TimeProvider.System);
        using var pipeline = new ActionPipeline([gate], concurrency: 1);
        var scheduler = new DownloadScheduler(options, new DownloadPlanner(options, names, null), transfer, pipeline, null, tracker, TimeProvider.System);
        var requests = Enumerable.Range(0, contents.Length).Select(i => new DownloadRequest(server.Url($"/a/{i}.bin"))).ToAsyncEnumerable();
        var results = new List<DownloadResult>();
        var run = Task.Run(async () =>
        {
            await foreach (var result in scheduler.RunAsync(requests, TestContext.Current.CancellationToken))
            {
                results.Add(result);
            }
        }, TestContext.Current.CancellationToken);

        // The first file's action holds; every transfer must still complete (2 in flight, 2 x 2 read-ahead otherwise).
        await Eventually.TrueAsync(() => Directory.Exists(temp.Out) && Directory.EnumerateFiles(temp.Out, "*.bin").Count() == contents.Length, "all transfers to finish");
        gate.Entered.ShouldBe(1);
        gate.Release();
        await run.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        results.Count.ShouldBe(contents.Length);
        results.ShouldAllBe(r => r.Status == DownloadStatus.Ok && r.Actions.Single().Succeeded);
        for (var i = 0; i < contents.Length; i++)
        {
            TestData.FileSha256(Path.Combine(temp.Out, $"{i}.bin")).ShouldBe(TestData.Sha256(contents[i]));
        }
    }

    private sealed class BlockingAction : IPostDownloadAction
    {
        private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _entered;

        public string Name => "block";

        public int Entered => Volatile.Read(ref _entered);

        public void Release() => _release.TrySetResult();

        public async Task<ActionOutcome> RunAsync(CompletedFile file, CancellationToken cancellationToken)
        {
            Interlocked.Increment(ref _entered);
            await _release.Task.WaitAsync(cancellationToken);
            return new ActionOutcome(Name, true, $"Released {file.Path}.");
        }
    }
}
