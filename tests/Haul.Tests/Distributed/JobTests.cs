using Haul.Crawling;
using Haul.Distributed;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Distributed;

/// <summary>The public <see cref="Job"/> façade against a real redis-server.</summary>
public sealed class JobTests : IAsyncLifetime
{
    private RedisServer _redis = null!;

    public async ValueTask InitializeAsync() => _redis = await RedisServer.StartAsync();

    public ValueTask DisposeAsync() => _redis.DisposeAsync();

    [Fact]
    public void Parse_AddressWithPassword_ReadsPartsAndHidesPassword()
    {
        var address = JobAddress.Parse("redis://worker:s3cret@127.0.0.1:6390/photos");

        address.Host.ShouldBe("127.0.0.1");
        address.Port.ShouldBe(6390);
        address.Job.ShouldBe("photos");
        address.Tls.ShouldBeFalse();
        address.ToString().ShouldBe("redis://127.0.0.1:6390/photos");
    }

    [Fact]
    public void Parse_NoJobName_ThrowsFormatExceptionSayingWhy()
    {
        var ex = Should.Throw<FormatException>(() => JobAddress.Parse("redis://127.0.0.1:6379/"));

        ex.Message.ShouldContain("names no job");
    }

    [Fact]
    public async Task ConnectAsync_NothingListening_ThrowsJobUnavailableWithoutPassword()
    {
        // Port 1 is privileged and unused on the test machines, as the CLI's own test assumes.
        var address = JobAddress.Parse("redis://:hunter2@127.0.0.1:1/nobody");

        var ex = await Should.ThrowAsync<JobUnavailableException>(() => Job.ConnectAsync(address, TestContext.Current.CancellationToken));

        ex.Address.ShouldBe(address);
        ex.Message.ShouldContain("redis://127.0.0.1:1/nobody");
        ex.Message.ShouldNotContain("hunter2");
    }

    [Fact]
    public async Task EnqueueAsync_SameUrlInAnotherSpelling_QueuedOnceAndCountedAsDuplicate()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var job = await Job.ConnectAsync(JobAddress.Parse(_redis.Job("dupes")), ct);

        var first = await job.EnqueueAsync(Requests("http://127.0.0.1:9/a.jpg", "http://127.0.0.1:9/b.jpg"), ct);
        var second = await job.EnqueueAsync(Requests("HTTP://127.0.0.1:9/a.jpg#top", "http://127.0.0.1:9/c.jpg"), ct);

        first.ShouldBe(new JobEnqueueResult(2, 0));
        second.ShouldBe(new JobEnqueueResult(1, 1));
        var status = await job.ReadStatusAsync(cancellationToken: ct);
        status.Job.ShouldBe("dupes");
        status.Enqueued.ShouldBe(3);
        status.Queued.ShouldBe(3);
        status.InFlight.ShouldBe(0);
        status.Closed.ShouldBeFalse();
        status.IsCrawl.ShouldBeFalse();
        status.OldestPendingUrl.ShouldBe("http://127.0.0.1:9/a.jpg");
    }

    [Fact]
    public async Task CloseAsync_EmptyJob_ClosedAndDone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var job = await Job.ConnectAsync(JobAddress.Parse(_redis.Job("closing")), ct);
        (await job.IsClosedAsync()).ShouldBeFalse();

        await job.CloseAsync();

        (await job.IsClosedAsync()).ShouldBeTrue();
        var status = await job.ReadStatusAsync(cancellationToken: ct);
        status.Closed.ShouldBeTrue();
        status.Done.ShouldBeTrue();
    }

    [Fact]
    public async Task EnqueueStartPagesAsync_PageWithFragment_QueuedOnceWithoutFragmentAsCrawl()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var job = await Job.ConnectAsync(JobAddress.Parse(_redis.Job("crawl")), ct);

        (await job.JoinCrawlAsync(new CrawlOptions { Depth = 2 }, "agent/1")).ShouldBeTrue();
        (await job.JoinCrawlAsync(new CrawlOptions { Depth = 3 })).ShouldBeFalse();
        var added = await job.EnqueueStartPagesAsync([new Uri("http://127.0.0.1:9/gallery/#top"), new Uri("http://127.0.0.1:9/gallery/")], ct);

        added.ShouldBe(new JobEnqueueResult(1, 1));
        var entries = await _redis.Database.StreamRangeAsync(_redis.Keys("crawl").Queue, "-", "+");
        var entry = QueueEntry.Parse(entries.ShouldHaveSingleItem()["e"].ToString()).ShouldNotBeNull();
        entry.Kind.ShouldBe(QueueEntry.PageKind);
        entry.Url.ShouldBe("http://127.0.0.1:9/gallery/");
        entry.Depth.ShouldBe(0);
        (await job.ReadStatusAsync(cancellationToken: ct)).IsCrawl.ShouldBeTrue();
    }

    [Fact]
    public async Task EnqueueStartPagesAsync_NotHttp_ThrowsAndQueuesNothing()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var job = await Job.ConnectAsync(JobAddress.Parse(_redis.Job("ftp")), ct);

        await Should.ThrowAsync<ArgumentException>(() => job.EnqueueStartPagesAsync([new Uri("http://127.0.0.1:9/"), new Uri("ftp://127.0.0.1/")], ct));

        (await _redis.Database.StreamLengthAsync(_redis.Keys("ftp").Queue)).ShouldBe(0);
    }

    [Fact]
    public async Task StartWorkerAsync_ClosedJobOfFiles_DownloadsExactBytesAndJobIsDone()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackServer.StartAsync();
        var files = TestFiles.Serve(server, 5);
        using var temp = new TempDirectory();
        await using var job = await Job.ConnectAsync(JobAddress.Parse(_redis.Job("files")), ct);
        await job.EnqueueAsync(Requests([.. files.Urls]), ct);
        await job.CloseAsync();

        var results = new List<DownloadResult>();
        await using (var worker = await job.StartWorkerAsync(new DownloadOptions { Directory = temp.Out }, new WorkerOptions { Name = "w1" }))
        {
            worker.Name.ShouldBe("w1");
            await foreach (var result in worker.RunAsync(ct))
            {
                results.Add(result);
            }
        }

        results.Select(result => result.Request.Url).Order(StringComparer.Ordinal).ShouldBe(files.Urls.Order(StringComparer.Ordinal));
        foreach (var result in results)
        {
            result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
            TestData.FileSha256(result.Path!).ShouldBe(files.Sha256ByUrl[result.Request.Url]);
        }

        var status = await job.ReadStatusAsync(cancellationToken: ct);
        status.Done.ShouldBeTrue();
        status.Ok.ShouldBe(5);
        status.Workers.ShouldHaveSingleItem().Name.ShouldBe("w1");
        status.Workers[0].State.ShouldBe("done");
    }

    [Fact]
    public async Task StartWorkerAsync_DirectoryHeldByAnotherWorker_ThrowsWorkerDirectoryInUse()
    {
        var ct = TestContext.Current.CancellationToken;
        using var temp = new TempDirectory();
        await using var job = await Job.ConnectAsync(JobAddress.Parse(_redis.Job("shared-dir")), ct);
        await using var first = await job.StartWorkerAsync(new DownloadOptions { Directory = temp.Out }, new WorkerOptions { Name = "a" });

        var ex = await Should.ThrowAsync<WorkerDirectoryInUseException>(() => job.StartWorkerAsync(new DownloadOptions { Directory = temp.Out }, new WorkerOptions { Name = "b" }));

        ex.Directory.ShouldBe(temp.Out);
    }

    private static async IAsyncEnumerable<DownloadRequest> Requests(params string[] urls)
    {
        foreach (var url in urls)
        {
            await Task.Yield();
            yield return new DownloadRequest(url);
        }
    }
}
