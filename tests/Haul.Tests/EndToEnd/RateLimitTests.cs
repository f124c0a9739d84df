using Microsoft.Extensions.Time.Testing;

namespace Haul.Tests.EndToEnd;

/// <summary>
/// Bandwidth limits end to end, on a fake clock that moves 10 ms at a time, and only while every
/// transfer is waiting out the limit: the count then does not depend on how fast this machine is.
/// </summary>
public sealed class RateLimitTests
{
    private const int Rate = 100 * 1024;

    /// <param name="limit">run: the run's limit; line: each request's own (<c>max-download-limit=</c>); option: each transfer's, from the options (<c>--max-download-limit</c>).</param>
    [Theory]
    [InlineData("run", 1)]
    [InlineData("line", 1)]
    [InlineData("run", 3)]
    [InlineData("line", 2)]
    [InlineData("option", 2)]
    public async Task Download_Limited_ReceivesTheRateWithinFifteenPercentOverThreeSeconds(string limit, int files)
    {
        var perLine = limit == "line";
        var perFile = limit != "run";
        var contents = Enumerable.Range(0, files).Select(i => TestData.Bytes(500 * 1024, seed: 40 + i)).ToArray();
        await using var server = await LoopbackServer.StartAsync();
        for (var i = 0; i < files; i++)
        {
            server.MapFile($"/f{i}.bin", contents[i]);
        }

        using var temp = new TempDirectory();
        var clock = new WaitCountingClock();
        var options = DownloaderHarness.Options(temp.Out) with
        {
            RateLimit = limit == "run" ? Rate : null,
            PerFileRateLimit = limit == "option" ? Rate : null,
        };
        var requests = Enumerable.Range(0, files)
            .Select(i => new DownloadRequest(server.Url($"/f{i}.bin")) { RateLimit = perLine ? Rate : null })
            .ToArray();
        using var downloader = new Downloader(options, clock);
        var results = new List<DownloadResult>();
        var run = Task.Run(
            async () =>
            {
                await foreach (var result in downloader.DownloadAsync(requests.ToAsyncEnumerable(), TestContext.Current.CancellationToken))
                {
                    results.Add(result);
                }
            },
            TestContext.Current.CancellationToken);

        // The clock starts once every transfer has its reply and waits on the limit.
        await Eventually.TrueAsync(() => downloader.GetProgress().Active.Count == files && clock.Waiting == files, "every transfer to wait on the limit");
        var start = downloader.GetProgress().BytesReceived;
        long atThreeSeconds = 0;
        for (var step = 1; !run.IsCompleted; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            await Eventually.TrueAsync(
                () => run.IsCompleted || clock.Waiting >= downloader.GetProgress().Active.Count(transfer => transfer.Received < transfer.Length),
                $"the transfers to wait on the limit at {step * 10} ms");
            if (step == 300)
            {
                atThreeSeconds = downloader.GetProgress().BytesReceived - start;
            }
        }

        await run;
        atThreeSeconds.ShouldBeInRange((long)(Rate * (perFile ? files : 1) * 3 * 0.85), (long)(Rate * (perFile ? files : 1) * 3 * 1.15));
        results.Count.ShouldBe(files);
        foreach (var result in results)
        {
            result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
            var index = int.Parse(Path.GetFileNameWithoutExtension(result.Path!)[1..], System.Globalization.CultureInfo.InvariantCulture);
            TestData.FileSha256(result.Path!).ShouldBe(TestData.Sha256(contents[index]));
        }
    }

    [Fact]
    public async Task Download_SharedLimitTurnLongerThanTheIdleTimeout_NotTakenForTheServersSilence()
    {
        // Eight transfers share 1 KiB/s and take 1 KiB a read: each waits about 8 s for its turn,
        // longer than the 6.5 s idle timeout, while the server has long sent every byte.
        const int Files = 8;
        var idleTimeout = TimeSpan.FromSeconds(6.5);
        var contents = Enumerable.Range(0, Files).Select(i => TestData.Bytes(4 * 1024, seed: 60 + i)).ToArray();
        await using var server = await LoopbackServer.StartAsync();
        for (var i = 0; i < Files; i++)
        {
            server.MapFile($"/s{i}.bin", contents[i]);
        }

        using var temp = new TempDirectory();
        var clock = new WaitCountingClock(maxWait: TimeSpan.FromSeconds(60), notAWait: idleTimeout);
        var options = DownloaderHarness.Options(temp.Out) with { RateLimit = 1024, IdleTimeout = idleTimeout, Retries = 0, MaxConcurrent = Files, MaxPerHost = Files };
        using var downloader = new Downloader(options, clock);
        var results = new List<DownloadResult>();
        var requests = Enumerable.Range(0, Files).Select(i => new DownloadRequest(server.Url($"/s{i}.bin"))).ToArray();
        var run = Task.Run(
            async () =>
            {
                await foreach (var result in downloader.DownloadAsync(requests.ToAsyncEnumerable(), TestContext.Current.CancellationToken))
                {
                    results.Add(result);
                }
            },
            TestContext.Current.CancellationToken);

        // The clock moves only while every unfinished transfer waits on the limit.
        await Eventually.TrueAsync(() => run.IsCompleted || (downloader.GetProgress().Active.Count == Files && clock.Waiting == Files), "every transfer to wait on the limit");
        for (var step = 1; !run.IsCompleted; step++)
        {
            clock.Advance(TimeSpan.FromMilliseconds(100));
            await Eventually.TrueAsync(
                () => run.IsCompleted || clock.Waiting >= downloader.GetProgress().Active.Count(transfer => transfer.Received < transfer.Length),
                $"the transfers to wait on the limit at {step * 100} ms");
        }

        await run;
        results.Count.ShouldBe(Files);
        foreach (var result in results)
        {
            result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
            var index = int.Parse(Path.GetFileNameWithoutExtension(result.Path!)[1..], System.Globalization.CultureInfo.InvariantCulture);
            TestData.FileSha256(result.Path!).ShouldBe(TestData.Sha256(contents[index]));
        }
    }

    /// <summary>
    /// A fake clock that counts the short one-shot timers (a limit's waits) not yet fired: those due
    /// within <c>maxWait</c> (5 s), except those due exactly at <c>notAWait</c> (an idle timeout).
    /// </summary>
    private sealed class WaitCountingClock(TimeSpan? maxWait = null, TimeSpan? notAWait = null) : FakeTimeProvider
    {
        private readonly TimeSpan _maxWait = maxWait ?? TimeSpan.FromSeconds(5);
        private int _waiting;

        public int Waiting => Volatile.Read(ref _waiting);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime <= TimeSpan.Zero || dueTime > _maxWait || dueTime == notAWait || period != Timeout.InfiniteTimeSpan)
            {
                return base.CreateTimer(callback, state, dueTime, period);
            }

            Interlocked.Increment(ref _waiting);
            var fired = 0;
            return base.CreateTimer(
                value =>
                {
                    if (Interlocked.Exchange(ref fired, 1) == 0)
                    {
                        Interlocked.Decrement(ref _waiting);
                    }

                    callback(value);
                },
                state,
                dueTime,
                period);
        }
    }
}
