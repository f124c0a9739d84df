using System.Collections.Concurrent;
using Haul.Errors;
using Haul.Events;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Scheduling;

public sealed class DownloadControlTests
{
    [Fact]
    public async Task Pause_InFlight_FreesTheSlotKeepsThePartAndResumesWithRange()
    {
        var big = TestData.Bytes(400_000, seed: 61);
        var small = TestData.Bytes(20_000, seed: 62);
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        server.Map("/big.bin", (context, hit) => hit == 1
            ? server.ServeThenStallAsync(context, big, 100_000, "\"big\"")
            : server.ServeAsync(context, big, "\"big\""));
        server.MapFile("/small.bin", small);
        var events = new ConcurrentQueue<DownloadEvent>();
        // One slot: the small file can only run once the paused one gives its slot back.
        using var downloader = new Downloader(DownloaderHarness.Options(temp.Out) with { MaxConcurrent = 1 });
        downloader.EventRaised += (_, e) => events.Enqueue(e);
        var results = new ConcurrentQueue<DownloadResult>();
        var run = Task.Run(async () =>
        {
            await foreach (var result in downloader.DownloadAsync([server.Url("/big.bin"), server.Url("/small.bin")], TestContext.Current.CancellationToken))
            {
                results.Enqueue(result);
            }
        }, TestContext.Current.CancellationToken);

        await Eventually.FileReachesAsync(Path.Combine(temp.Out, "big.bin.part"), 100_000);
        downloader.Pause(1).ShouldBeTrue();
        await Eventually.TrueAsync(() => results.Any(r => r.Url == server.Url("/small.bin")), "the small file to finish while the big one is paused");

        events.OfType<DownloadPaused>().ShouldHaveSingleItem().Id.ShouldBe(1);
        downloader.GetProgress().Active.ShouldBeEmpty();
        results.ShouldHaveSingleItem().Status.ShouldBe(DownloadStatus.Ok);
        TestData.FileSha256(Path.Combine(temp.Out, "small.bin")).ShouldBe(TestData.Sha256(small));
        TestData.FileSha256(Path.Combine(temp.Out, "big.bin.part")).ShouldBe(TestData.Sha256(big[..100_000]));

        downloader.Resume(1).ShouldBeTrue();
        await run.WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);

        var bigResult = results.Single(r => r.Url == server.Url("/big.bin"));
        bigResult.Status.ShouldBe(DownloadStatus.Ok);
        TestData.FileSha256(Path.Combine(temp.Out, "big.bin")).ShouldBe(TestData.Sha256(big));
        var bigRequests = server.Requests.Where(r => r.Path == "/big.bin").ToList();
        bigRequests.Count.ShouldBe(2);
        bigRequests[0].Range.ShouldBeNull();
        bigRequests[1].Range.ShouldBe("bytes=100000-");
        bigRequests[1].IfRange.ShouldBe("\"big\"");
        // Nothing sent twice: the second reply starts where the .part ended.
        server.BodyBytes.ShouldBe(big.Length + small.Length);
        events.OfType<DownloadStarted>().Where(e => e.Id == 1).Select(e => e.ResumedFrom).ShouldBe([0L, 100_000L]);
        temp.AllFiles().Order().ShouldBe([Path.Combine("out", "big.bin"), Path.Combine("out", "small.bin")]);
    }

    [Fact]
    public async Task Remove_InFlight_EndsAsRemovedAndKeepsThePart()
    {
        var content = TestData.Bytes(300_000, seed: 63);
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        server.Map("/stuck.bin", (context, _) => server.ServeThenStallAsync(context, content, 60_000, "\"s\""));
        using var downloader = new Downloader(DownloaderHarness.Options(temp.Out));
        var results = new ConcurrentQueue<DownloadResult>();
        var run = Task.Run(async () =>
        {
            await foreach (var result in downloader.DownloadAsync([server.Url("/stuck.bin")], TestContext.Current.CancellationToken))
            {
                results.Enqueue(result);
            }
        }, TestContext.Current.CancellationToken);

        await Eventually.FileReachesAsync(Path.Combine(temp.Out, "stuck.bin.part"), 60_000);
        downloader.Remove(1).ShouldBeTrue();
        await run.WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);

        var result = results.ShouldHaveSingleItem();
        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error.ShouldBeOfType<DownloadCancelledException>().Message.ShouldContain("was removed");
        TestData.FileSha256(Path.Combine(temp.Out, "stuck.bin.part")).ShouldBe(TestData.Sha256(content[..60_000]));
        server.Hits("/stuck.bin").ShouldBe(1);
        downloader.Remove(1).ShouldBeFalse("an ended download has no switches");
    }

    [Fact]
    public async Task PauseAll_BeforeTheRun_NothingIsRequestedUntilResumeAll()
    {
        var content = TestData.Bytes(50_000, seed: 64);
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        server.MapFile("/a.bin", content);
        server.MapFile("/b.bin", content);
        var events = new ConcurrentQueue<DownloadEvent>();
        using var downloader = new Downloader(DownloaderHarness.Options(temp.Out));
        downloader.EventRaised += (_, e) => events.Enqueue(e);
        downloader.PauseAll();
        var results = new ConcurrentQueue<DownloadResult>();
        var run = Task.Run(async () =>
        {
            await foreach (var result in downloader.DownloadAsync([server.Url("/a.bin"), server.Url("/b.bin")], TestContext.Current.CancellationToken))
            {
                results.Enqueue(result);
            }
        }, TestContext.Current.CancellationToken);

        await Eventually.TrueAsync(() => events.OfType<DownloadQueued>().Count() == 2, "both downloads queued");
        // Both are admitted and held before any slot: resuming one runs that one alone.
        downloader.Resume(2).ShouldBeTrue();
        await Eventually.TrueAsync(() => results.Count == 1, "the resumed download to finish");
        results.ShouldHaveSingleItem().Url.ShouldBe(server.Url("/b.bin"));
        server.Hits("/a.bin").ShouldBe(0);

        downloader.ResumeAll();
        await run.WaitAsync(TimeSpan.FromSeconds(120), TestContext.Current.CancellationToken);

        results.Count.ShouldBe(2);
        TestData.FileSha256(Path.Combine(temp.Out, "a.bin")).ShouldBe(TestData.Sha256(content));
        TestData.FileSha256(Path.Combine(temp.Out, "b.bin")).ShouldBe(TestData.Sha256(content));
        downloader.Pause(99).ShouldBeFalse();
    }

    [Fact]
    public async Task PauseThenResume_BeforeTheTransferNoticed_RunsAgainInsteadOfFailing()
    {
        var big = TestData.Bytes(400_000, seed: 71);
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        server.Map("/big.bin", (context, hit) => hit == 1
            ? server.ServeThenStallAsync(context, big, 100_000, "\"big\"")
            : server.ServeAsync(context, big, "\"big\""));
        using var downloader = new Downloader(DownloaderHarness.Options(temp.Out));
        var results = new ConcurrentQueue<DownloadResult>();
        var run = Task.Run(async () =>
        {
            await foreach (var result in downloader.DownloadAsync([server.Url("/big.bin")], TestContext.Current.CancellationToken))
            {
                results.Enqueue(result);
            }
        }, TestContext.Current.CancellationToken);
        await Eventually.FileReachesAsync(Path.Combine(temp.Out, "big.bin.part"), 100_000);
        downloader.GetProgress().Active.ShouldHaveSingleItem().DownloadId.ShouldBe(1);

        // Back to back: the transfer is still unwinding from the pause when the resume comes.
        downloader.Pause(1).ShouldBeTrue();
        downloader.Resume(1).ShouldBeTrue();
        await run;

        results.ShouldHaveSingleItem().Status.ShouldBe(DownloadStatus.Ok);
        TestData.FileSha256(Path.Combine(temp.Out, "big.bin")).ShouldBe(TestData.Sha256(big));
    }
}
