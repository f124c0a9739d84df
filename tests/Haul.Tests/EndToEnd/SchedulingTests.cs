using Haul.Errors;

namespace Haul.Tests.EndToEnd;

public sealed class SchedulingTests
{
    [Fact]
    public async Task Download_HugeSource_ReadsOnlyTheAdmittedWindow()
    {
        await using var server = await LoopbackServer.StartAsync();
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var fourArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var arrived = 0;
        for (var i = 0; i < 100; i++)
        {
            server.Map($"/f/{i}", async (context, _) =>
            {
                if (Interlocked.Increment(ref arrived) == 4)
                {
                    fourArrived.TrySetResult();
                }

                await release.Task;
                await server.ServeAsync(context, [1, 2, 3]);
            });
        }

        using var temp = new TempDirectory();
        var pulled = 0;
        async IAsyncEnumerable<DownloadRequest> Million()
        {
            for (var i = 0; i < 1_000_000; i++)
            {
                Interlocked.Increment(ref pulled);
                yield return new DownloadRequest(server.Url($"/f/{i % 100}")) { OutName = $"{i}.bin" };
                await Task.Yield();
            }
        }

        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var options = DownloaderHarness.Options(temp.Out) with { MaxConcurrent = 4 };
        using var downloader = new Downloader(options);
        var consume = Task.Run(async () =>
        {
            var count = 0;
            try
            {
                await foreach (var result in downloader.DownloadAsync(Million(), cts.Token))
                {
                    count++;
                }
            }
            catch (OperationCanceledException)
            {
            }

            return count;
        }, TestContext.Current.CancellationToken);

        await fourArrived.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        // Four in flight, four more read ahead, and the one the producer is waiting to admit.
        Volatile.Read(ref pulled).ShouldBeLessThanOrEqualTo(9);
        downloader.GetProgress().Active.Count.ShouldBe(4);
        await cts.CancelAsync();
        release.TrySetResult();
        await consume.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Download_ManyFilesOneHost_NeverExceedsPerHostLimit()
    {
        await using var server = await LoopbackServer.StartAsync();
        var contents = Enumerable.Range(0, 40).Select(i => TestData.Bytes(20_000, seed: 200 + i)).ToArray();
        for (var i = 0; i < contents.Length; i++)
        {
            server.MapFile($"/p/{i}.bin", contents[i]);
        }

        using var temp = new TempDirectory();
        var options = DownloaderHarness.Options(temp.Out) with { MaxConcurrent = 10, MaxPerHost = 3 };

        var results = await DownloaderHarness.RunAsync(options, [.. Enumerable.Range(0, contents.Length).Select(i => new DownloadRequest(server.Url($"/p/{i}.bin")))]);

        results.ShouldAllBe(r => r.Status == DownloadStatus.Ok);
        server.PeakInFlight.ShouldBeLessThanOrEqualTo(3);
        for (var i = 0; i < contents.Length; i++)
        {
            TestData.FileSha256(Path.Combine(temp.Out, $"{i}.bin")).ShouldBe(TestData.Sha256(contents[i]));
        }
    }

    [Fact]
    public async Task Download_TwoHosts_GlobalLimitBoundsBoth()
    {
        await using var serverA = await LoopbackServer.StartAsync();
        await using var serverB = await LoopbackServer.StartAsync();
        var content = TestData.Bytes(30_000, seed: 300);
        for (var i = 0; i < 20; i++)
        {
            serverA.MapFile($"/a/{i}.bin", content);
            serverB.MapFile($"/b/{i}.bin", content);
        }

        using var temp = new TempDirectory();
        var options = DownloaderHarness.Options(temp.Out) with { MaxConcurrent = 4, MaxPerHost = 3 };
        var requests = Enumerable.Range(0, 20).SelectMany(i => new[]
        {
            new DownloadRequest(serverA.Url($"/a/{i}.bin")),
            new DownloadRequest(serverB.Url($"/b/{i}.bin")),
        }).ToArray();

        var results = await DownloaderHarness.RunAsync(options, requests);

        results.Count.ShouldBe(40);
        results.ShouldAllBe(r => r.Status == DownloadStatus.Ok && r.Sha256 == TestData.Sha256(content));
        serverA.PeakInFlight.ShouldBeLessThanOrEqualTo(3);
        serverB.PeakInFlight.ShouldBeLessThanOrEqualTo(3);
        (serverA.PeakInFlight + serverB.PeakInFlight).ShouldBeLessThanOrEqualTo(6);
    }

    [Fact]
    public async Task Download_Cancelled_InFlightReportCancelledAndPartIsKept()
    {
        var content = TestData.Bytes(200_000, seed: 301);
        await using var server = await LoopbackServer.StartAsync();
        var halfSent = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Map("/slow.bin", (context, _) =>
        {
            halfSent.TrySetResult();
            return server.ServeThenStallAsync(context, content, 100_000, "\"slow\"");
        });
        using var temp = new TempDirectory();
        using var cts = new CancellationTokenSource();
        using var downloader = new Downloader(DownloaderHarness.Options(temp.Out));
        var results = new List<DownloadResult>();

        var run = Task.Run(async () =>
        {
            await foreach (var result in downloader.DownloadAsync([server.Url("/slow.bin")], cts.Token))
            {
                results.Add(result);
            }
        }, TestContext.Current.CancellationToken);
        await halfSent.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        await Eventually.FileReachesAsync(Path.Combine(temp.Out, "slow.bin.part"), 100_000);
        await cts.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
        results.ShouldHaveSingleItem().Error.ShouldBeOfType<DownloadCancelledException>().Kind.ShouldBe(ErrorKind.Cancelled);
        TestData.FileSha256(Path.Combine(temp.Out, "slow.bin.part")).ShouldBe(TestData.Sha256(content[..100_000]));
        File.Exists(Path.Combine(temp.Out, "slow.bin")).ShouldBeFalse();
    }
}
