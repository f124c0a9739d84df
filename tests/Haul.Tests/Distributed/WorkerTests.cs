using Haul.Distributed;
using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Distributed;

public sealed class WorkerTests
{
    [Fact]
    public async Task Enqueue_SameUrlTwiceInOtherSpellings_FetchedOnce()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var server = await LoopbackServer.StartAsync();
        var files = TestFiles.Serve(server, 20);
        using var temp = new TempDirectory();
        var job = new JobProbe(redis, "dupes");
        var list = await files.WriteListAsync(temp.Root);
        var first = files.Urls.First();
        var otherSpelling = first.Replace("http://127.0.0.1", "HTTP://127.0.0.1", StringComparison.Ordinal) + "#part";

        (await CliRun.RunAsync("enqueue", job.Address, "-i", list)).ExitCode.ShouldBe(0);
        var again = await CliRun.RunAsync("enqueue", job.Address, "-i", list, otherSpelling, "--close");

        again.ExitCode.ShouldBe(0, again.Error);
        again.Error.ShouldContain("0 enqueued, 21 already in the job");
        var run = await CliRun.RunAsync("worker", job.Address, "-d", temp.Out, "--json");
        run.ExitCode.ShouldBe(0, run.Error);
        run.JsonLines.Count.ShouldBe(20);
        files.ShouldMatch(await job.ResultsAsync());
        foreach (var url in files.Urls)
        {
            server.Hits(new Uri(url).AbsolutePath).ShouldBe(1, url);
        }
    }

    [Fact]
    public async Task Enqueue_ClosedJobOrBadLines_RefusedWithReasons()
    {
        await using var redis = await RedisServer.StartAsync();
        using var temp = new TempDirectory();
        var job = new JobProbe(redis, "input");
        var list = Path.Combine(temp.Root, "urls.txt");
        await File.WriteAllTextAsync(list, "http://127.0.0.1:9/a.jpg\n  out=b.jpg\n  checksum=sha-256=abc\nnot-a-url\nhttp://127.0.0.1:9/c.jpg\n  dir=sub\n", TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("enqueue", job.Address, "-i", list, "--close");

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("checksum=sha-256=abc");
        run.Error.ShouldContain("line 4: 'not-a-url' is not a valid http(s) URL.");
        run.Error.ShouldContain("1 enqueued, 0 already in the job, 2 refused");
        (await job.QueueLengthAsync()).ShouldBe(1);
        var entry = QueueEntry.Parse((await redis.Database.StreamRangeAsync(redis.Keys("input").Queue, "-", "+"))[0]["e"].ToString())!;
        entry.Url.ShouldBe("http://127.0.0.1:9/c.jpg");
        entry.Dir.ShouldBe("sub");
        entry.Line.ShouldBe(5);

        var closed = await CliRun.RunAsync("enqueue", job.Address, "http://127.0.0.1:9/d.jpg");
        closed.ExitCode.ShouldBe(2);
        closed.Error.ShouldContain("is closed");
    }

    [Fact]
    public async Task Worker_BadAddressOrNoServer_UsageOrConnectionError()
    {
        var noJob = await CliRun.RunAsync("worker", "redis://127.0.0.1:1/");
        noJob.ExitCode.ShouldBe(2);
        noJob.Error.ShouldContain("names no job");

        var wrongScheme = await CliRun.RunAsync("status", "http://127.0.0.1/job");
        wrongScheme.ExitCode.ShouldBe(2);

        var nobody = await CliRun.RunAsync("status", "redis://127.0.0.1:1/job");
        nobody.ExitCode.ShouldBe(1);
        nobody.Error.ShouldContain("Cannot reach Redis at redis://127.0.0.1:1/job");
    }

    [Fact]
    public async Task Worker_DirectoryHeldByAnotherWorker_Refused()
    {
        await using var redis = await RedisServer.StartAsync();
        using var temp = new TempDirectory();
        await using var held = WorkerDirectory.Lock(temp.Out);

        var run = await CliRun.RunAsync("worker", redis.Job("locked"), "-d", temp.Out);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("Another worker is using");
    }

    [Theory]
    [InlineData(".haul")]
    [InlineData(".haul/worker.lock")]
    public async Task Worker_SymbolicLinkWhereTheLockGoes_RefusedAndNothingWrittenOutside(string linkPath)
    {
        await using var redis = await RedisServer.StartAsync();
        using var temp = new TempDirectory();
        var outside = Path.Combine(temp.Root, "outside");
        Directory.CreateDirectory(outside);
        var link = Path.Combine(temp.Out, linkPath);
        Directory.CreateDirectory(Path.GetDirectoryName(link)!);
        var pointsTo = linkPath == ".haul" ? outside : Path.Combine(outside, "victim");
        File.CreateSymbolicLink(link, pointsTo);

        var run = await CliRun.RunAsync("worker", redis.Job("linked"), "-d", temp.Out);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("refusing to write through a symbolic link");
        Directory.EnumerateFileSystemEntries(outside).ShouldBeEmpty();
    }

    [Fact]
    public async Task Worker_WithExitWhenDoneOff_WaitsForMoreUntilInterrupted()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var server = await LoopbackServer.StartAsync();
        var files = TestFiles.Serve(server, 5);
        using var temp = new TempDirectory();
        var job = new JobProbe(redis, "open");
        using var haul = HaulProcess.Start("worker", job.Address, "-d", temp.Out, "--exit-when-done", "false", "--json");
        (await CliRun.RunAsync("enqueue", job.Address, "-i", await files.WriteListAsync(temp.Root), "--close")).ExitCode.ShouldBe(0);

        await Until.TrueAsync(async () => await job.ResultCountAsync() == 5, "five results");
        haul.HasExited.ShouldBeFalse();
        haul.Interrupt();

        (await haul.WaitForExitAsync()).ShouldBe(130, haul.Error);
        files.ShouldMatch(await job.ResultsAsync());
        (await job.QueueLengthAsync()).ShouldBe(0);
    }

    [Fact]
    public async Task Worker_Interrupted_HandsItsEntriesBackAndAnotherFinishesThem()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var server = await LoopbackServer.StartAsync();
        var open = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var files = TestFiles.Serve(server, 20, context => open.Task.WaitAsync(context.RequestAborted));
        using var temp = new TempDirectory();
        var job = new JobProbe(redis, "handback");
        (await CliRun.RunAsync("enqueue", job.Address, "-i", await files.WriteListAsync(temp.Root), "--close")).ExitCode.ShouldBe(0);

        using (var first = HaulProcess.Start("worker", job.Address, "-d", Path.Combine(temp.Root, "first"), "-j", "2", "--name", "first", "-q"))
        {
            await Eventually.TrueAsync(() => server.Requests.Count >= 2, "two stalled requests");
            (await job.PendingOfAsync("first")).ShouldBeGreaterThan(0);
            first.Interrupt();
            (await first.WaitForExitAsync()).ShouldBe(130, first.Error);
        }

        (await job.PendingOfAsync("first")).ShouldBe(0);
        (await job.QueueLengthAsync()).ShouldBe(20);
        (await job.ResultCountAsync()).ShouldBe(0);

        open.SetResult();
        var second = await CliRun.RunAsync("worker", job.Address, "-d", Path.Combine(temp.Root, "second"), "--name", "second", "-q");
        second.ExitCode.ShouldBe(0, second.Error);
        files.ShouldMatch(await job.ResultsAsync());
    }
}
