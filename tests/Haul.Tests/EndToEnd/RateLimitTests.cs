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

    /// <summary>A fake clock that counts the short one-shot timers (a limit's waits) not yet fired.</summary>
    private sealed class WaitCountingClock : FakeTimeProvider
    {
        private int _waiting;

        public int Waiting => Volatile.Read(ref _waiting);

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            if (dueTime <= TimeSpan.Zero || dueTime > TimeSpan.FromSeconds(5) || period != Timeout.InfiniteTimeSpan)
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
