using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Distributed;

/// <summary>Real <c>haul worker</c> processes sharing one job in a real redis-server.</summary>
public sealed class WorkerProcessTests
{
    [Fact]
    public async Task Workers_OneKilledMidRun_EveryFileOnceAndTheDeadWorkersEntriesTakenOver()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var server = await LoopbackServer.StartAsync();

        // Paced a little, so that the kill lands while the victim holds entries.
        var files = TestFiles.Serve(server, 500, context => Task.Delay(4, context.RequestAborted));
        using var temp = new TempDirectory();
        var job = new JobProbe(redis, "kill");
        var list = await files.WriteListAsync(temp.Root);
        var enqueue = await CliRun.RunAsync("enqueue", job.Address, "-i", list, "--close");
        enqueue.ExitCode.ShouldBe(0, enqueue.Error);

        var workers = Enumerable.Range(1, 3)
            .Select(i => HaulProcess.Start("worker", job.Address, "-d", Path.Combine(temp.Root, $"w{i}"), "-j", "4", "--name", $"w{i}", "--visibility-timeout", "3", "-q"))
            .ToList();
        try
        {
            await Until.TrueAsync(async () => await job.ResultCountAsync() >= 100, "100 results");
            await Until.TrueAsync(async () => await job.PendingOfAsync("w2") > 0 || workers[1].HasExited, "the victim to hold entries");
            var heldAtKill = await job.PendingOfAsync("w2");
            workers[1].KillHard();
            await workers[1].WaitForExitAsync();
            heldAtKill.ShouldBeGreaterThan(0);

            foreach (var survivor in new[] { workers[0], workers[2] })
            {
                (await survivor.WaitForExitAsync()).ShouldBe(0, survivor.Error);
            }

            files.ShouldMatch(await job.ResultsAsync());
            (await job.PendingOfAsync("w2")).ShouldBe(0);
            (await job.QueueLengthAsync()).ShouldBe(0);
            Directory.EnumerateFiles(Path.Combine(temp.Root, "w1")).Concat(Directory.EnumerateFiles(Path.Combine(temp.Root, "w3")))
                .Where(path => path.EndsWith(".part", StringComparison.Ordinal)).ShouldBeEmpty();

            var status = await CliRun.RunAsync("status", job.Address, "--json");
            var json = status.JsonLines.Single();
            json.GetProperty("done").GetBoolean().ShouldBeTrue();
            json.GetProperty("ok").GetInt64().ShouldBe(500);
            json.GetProperty("in_flight").GetInt64().ShouldBe(0);
            json.GetProperty("workers").EnumerateArray().Select(worker => worker.GetProperty("name").GetString()).ShouldBe(["w1", "w2", "w3"]);
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    [Fact]
    public async Task Workers_RedisKilledAndRestartedMidRun_JobCompletesAndNothingAcknowledgedIsFetchedAgain()
    {
        await using var redis = await RedisServer.StartAsync(appendOnly: true);
        await using var server = await LoopbackServer.StartAsync();
        // Once told to, the server holds the requests it gets until Redis is down, so transfers
        // are surely in flight when it goes.
        var hold = false;
        var held = 0;
        var servedAfterRelease = 0;
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var files = TestFiles.Serve(server, 300, async context =>
        {
            await Task.Delay(4, context.RequestAborted);
            if (Volatile.Read(ref hold))
            {
                Interlocked.Increment(ref held);
                await release.Task.WaitAsync(context.RequestAborted);
                Interlocked.Increment(ref servedAfterRelease);
            }
        });
        using var temp = new TempDirectory();
        var job = new JobProbe(redis, "restart");
        var enqueue = await CliRun.RunAsync("enqueue", job.Address, "-i", await files.WriteListAsync(temp.Root), "--close");
        enqueue.ExitCode.ShouldBe(0, enqueue.Error);

        var workers = Enumerable.Range(1, 2)
            .Select(i => HaulProcess.Start("worker", job.Address, "-d", Path.Combine(temp.Root, $"w{i}"), "-j", "4", "--name", $"w{i}", "--visibility-timeout", "5", "-q"))
            .ToList();
        try
        {
            await Until.TrueAsync(async () => await job.ResultCountAsync() >= 80, "80 results");
            Volatile.Write(ref hold, true);
            await Eventually.TrueAsync(() => Volatile.Read(ref held) > 0, "a request held by the server");

            // What the results hold is acknowledged (one script does both), and survives in the append-only file.
            var acknowledged = (await job.ResultsAsync()).Select(result => result.GetProperty("url").GetString()!).ToHashSet(StringComparer.Ordinal);
            await redis.KillAsync();
            var requestsBefore = server.Requests.Count;

            // Transfers go on without Redis: the held requests are served and finish.
            release.SetResult();
            await Eventually.TrueAsync(() => Volatile.Read(ref servedAfterRelease) > 0, "a response served while Redis is down");
            await redis.RestartAsync();

            foreach (var worker in workers)
            {
                (await worker.WaitForExitAsync()).ShouldBe(0, worker.Error);
            }

            files.ShouldMatch(await job.ResultsAsync());
            var fetchedAgain = server.Requests.Skip(requestsBefore).Select(request => server.Url(request.Path)).Where(acknowledged.Contains).ToList();
            fetchedAgain.ShouldBeEmpty("acknowledged URLs fetched again after the restart");
            (await job.QueueLengthAsync()).ShouldBe(0);
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    [Fact]
    public async Task Workers_PerHostLimitTwoAcrossThree_ServerNeverSeesMoreThanTwo()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var server = await LoopbackServer.StartAsync();

        // Each request waits (a second at most) for a second one to arrive, then stays a little
        // longer: the limit of two is reached whenever the workers allow it, and a third request
        // would overlap if they let one through.
        var inFlight = 0;
        var files = TestFiles.Serve(server, 60, async context =>
        {
            Interlocked.Increment(ref inFlight);
            try
            {
                var until = DateTime.UtcNow + TimeSpan.FromSeconds(1);
                while (Volatile.Read(ref inFlight) < 2 && DateTime.UtcNow < until)
                {
                    await Task.Delay(5, context.RequestAborted);
                }

                await Task.Delay(20, context.RequestAborted);
            }
            finally
            {
                Interlocked.Decrement(ref inFlight);
            }
        });
        using var temp = new TempDirectory();
        var job = new JobProbe(redis, "polite");
        (await CliRun.RunAsync("enqueue", job.Address, "-i", await files.WriteListAsync(temp.Root), "--close")).ExitCode.ShouldBe(0);

        var workers = Enumerable.Range(1, 3)
            .Select(i => HaulProcess.Start("worker", job.Address, "-d", Path.Combine(temp.Root, $"w{i}"), "-j", "4", "--max-per-host", "2", "-q"))
            .ToList();
        try
        {
            foreach (var worker in workers)
            {
                (await worker.WaitForExitAsync()).ShouldBe(0, worker.Error);
            }

            files.ShouldMatch(await job.ResultsAsync());
            server.PeakInFlight.ShouldBe(2);
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }
    }
}
