using System.Collections.Concurrent;
using Haul.Journal;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

public sealed class CrashTests
{
    [Fact]
    public async Task Haul_KilledRepeatedly_FinalRunCompletesWithoutRefetchingFinishedFiles()
    {
        const int fileCount = 300;
        var random = new Random(20261124);
        var contents = Enumerable.Range(0, fileCount)
            .Select(i => TestData.Bytes(i % 50 == 0 ? 1_500_000 : random.Next(1, 64) * 1024, seed: 1000 + i))
            .ToArray();
        await using var server = await LoopbackServer.StartAsync();
        var run = 0;
        var requestsByRun = new ConcurrentDictionary<int, ConcurrentBag<int>>();
        var completedResponses = 0;
        for (var i = 0; i < fileCount; i++)
        {
            var index = i;
            server.Map($"/c/{i:000}.bin", async (context, _) =>
            {
                // A file a killed run renamed before its journal batch was committed is checked
                // with a length probe (no body), not fetched again.
                if (LoopbackServer.TryAnswerBeyondEnd(context, contents[index].Length))
                {
                    return;
                }

                requestsByRun.GetOrAdd(Volatile.Read(ref run), _ => []).Add(index);

                // Paced a little, so that kills land while files are in flight.
                await Task.Delay(5, context.RequestAborted);
                await server.ServeAsync(context, contents[index], $"\"c{index}\"");
                Interlocked.Increment(ref completedResponses);
            });
        }

        using var temp = new TempDirectory();
        var input = Path.Combine(temp.Root, "urls.txt");
        await File.WriteAllLinesAsync(input, Enumerable.Range(0, fileCount).Select(i => server.Url($"/c/{i:000}.bin")), TestContext.Current.CancellationToken);
        var finishedBeforeRun = new Dictionary<int, HashSet<string>>();

        for (run = 1; run <= 4; run++)
        {
            finishedBeforeRun[run] = FinishedFiles(temp.Out);
            var killAfter = Volatile.Read(ref completedResponses) + random.Next(10, 50);
            using var haul = HaulProcess.Start("get", "-i", input, "-d", temp.Out, "-j", "8", "-q");
            await Eventually.TrueAsync(() => Volatile.Read(ref completedResponses) >= killAfter || haul.HasExited, "responses to be served");
            haul.KillHard();
            await haul.WaitForExitAsync();
        }

        finishedBeforeRun[run] = FinishedFiles(temp.Out);
        using (var final = HaulProcess.Start("get", "-i", input, "-d", temp.Out, "-j", "8", "-q"))
        {
            (await final.WaitForExitAsync()).ShouldBe(0, final.Error);
        }

        // Every file byte-exact, nothing half-written left behind.
        for (var i = 0; i < fileCount; i++)
        {
            TestData.FileSha256(Path.Combine(temp.Out, $"{i:000}.bin")).ShouldBe(TestData.Sha256(contents[i]), $"file {i}");
        }

        Directory.EnumerateFiles(temp.Out).Where(path => path.Contains(".part", StringComparison.Ordinal)).ShouldBeEmpty();

        // No file finished in an earlier run was requested again.
        foreach (var (runNumber, finished) in finishedBeforeRun)
        {
            var requested = requestsByRun.TryGetValue(runNumber, out var bag) ? bag.Select(i => $"{i:000}.bin").ToHashSet() : [];
            requested.Intersect(finished).ShouldBeEmpty($"run {runNumber} fetched files finished before it");
        }

        finishedBeforeRun[2].Count.ShouldBeGreaterThan(0);

        // The journal agrees with the disk.
        var entries = await JournalTests.ReadJournalAsync(temp.Out);
        entries.Count.ShouldBe(fileCount);
        foreach (var entry in entries)
        {
            entry.State.ShouldBe(JournalState.Done, entry.Url);
            var path = Path.Combine(temp.Out, entry.Path);
            entry.Size.ShouldBe(new FileInfo(path).Length, entry.Url);
            entry.Sha256.ShouldBe(TestData.FileSha256(path), entry.Url);
        }
    }

    [Fact]
    public async Task Haul_KilledWithBlocksReservedAhead_LeftoverBoundedAndTheResumeEndsExactWithNothingPastTheEnd()
    {
        const int mebibyte = 1024 * 1024;
        using var temp = new TempDirectory();
        Storage.FileBlocks.SkipUnlessReservedIn(temp.Out);
        var content = TestData.Bytes(40 * mebibyte, seed: 9304);
        const int firstPart = 20 * mebibyte;
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/r.bin", async (context, hit) =>
        {
            if (hit > 1)
            {
                await server.ServeAsync(context, content, "\"r1\"");
                return;
            }

            // The first run gets half the body, then nothing until it is killed.
            context.Response.ContentLength = content.Length;
            context.Response.Headers.ETag = "\"r1\"";
            context.Response.Headers.AcceptRanges = "bytes";
            await context.Response.Body.WriteAsync(content.AsMemory(0, firstPart), context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(Timeout.Infinite, context.RequestAborted);
        });
        var part = Path.Combine(temp.Out, "r.bin.part");

        using (var first = HaulProcess.Start("get", server.Url("/r.bin"), "-d", temp.Out, "-q"))
        {
            await Eventually.TrueAsync(
                () => new FileInfo(part) is { Exists: true, Length: firstPart } && Storage.FileBlocks.Allocated(part) > firstPart,
                "the .part to hold the first half and blocks reserved past it");
            first.KillHard();
            await first.WaitForExitAsync();
        }

        // Killed with blocks reserved past what arrived: no more than a step of them.
        var length = new FileInfo(part).Length;
        length.ShouldBe(firstPart);
        Storage.FileBlocks.Allocated(part).ShouldBeInRange(length + 1, length + Haul.Storage.BlockReservation.Step + (64 * 1024));

        using (var second = HaulProcess.Start("get", server.Url("/r.bin"), "-d", temp.Out, "-q"))
        {
            (await second.WaitForExitAsync()).ShouldBe(0, second.Error);
        }

        var done = Path.Combine(temp.Out, "r.bin");
        TestData.FileSha256(done).ShouldBe(TestData.Sha256(content));
        File.Exists(part).ShouldBeFalse();
        server.Requests.Last(r => r.Path == "/r.bin").Range.ShouldBe($"bytes={firstPart}-");
        Storage.FileBlocks.Allocated(done).ShouldBeLessThanOrEqualTo(Storage.FileBlocks.RoundUpToPage(content.Length) + (64 * 1024));
    }

    private static HashSet<string> FinishedFiles(string directory) => Directory.Exists(directory)
        ? [.. Directory.EnumerateFiles(directory, "*.bin").Select(Path.GetFileName).OfType<string>()]
        : [];
}
