using System.Collections.Concurrent;
using Haul.Journal;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

/// <summary>Two real haul processes into one directory: one writer per file, across processes.</summary>
public sealed class ConcurrentRunsTests
{
    [Fact]
    public async Task Haul_TwoProcessesSameListSameDirectory_EveryFileOnceByteExactAndJournalDone()
    {
        const int fileCount = 60;
        var contents = Enumerable.Range(0, fileCount).Select(i => TestData.Bytes(20_000 + (i * 3_001), seed: 950 + i)).ToArray();
        await using var server = await LoopbackServer.StartAsync();
        var bodies = new ConcurrentDictionary<int, int>();
        for (var i = 0; i < fileCount; i++)
        {
            var index = i;
            server.Map($"/p/{i:00}.bin", async (context, _) =>
            {
                // A length probe (a file found at the target) carries no body and is not a fetch.
                if (LoopbackServer.TryAnswerBeyondEnd(context, contents[index].Length))
                {
                    return;
                }

                bodies.AddOrUpdate(index, 1, (_, n) => n + 1);

                // Paced a little, so that the two runs overlap.
                await Task.Delay(10, context.RequestAborted);
                await server.ServeAsync(context, contents[index], $"\"p{index}\"");
            });
        }

        using var temp = new TempDirectory();
        var input = Path.Combine(temp.Root, "urls.txt");
        await File.WriteAllLinesAsync(input, Enumerable.Range(0, fileCount).Select(i => server.Url($"/p/{i:00}.bin")), TestContext.Current.CancellationToken);

        using (var first = HaulProcess.Start("get", "-i", input, "-d", temp.Out, "-j", "4", "-q"))
        using (var second = HaulProcess.Start("get", "-i", input, "-d", temp.Out, "-j", "4", "-q"))
        {
            (await first.WaitForExitAsync()).ShouldBe(0, first.Error);
            (await second.WaitForExitAsync()).ShouldBe(0, second.Error);
        }

        for (var i = 0; i < fileCount; i++)
        {
            TestData.FileSha256(Path.Combine(temp.Out, $"{i:00}.bin")).ShouldBe(TestData.Sha256(contents[i]), $"file {i}");
            bodies.GetValueOrDefault(i).ShouldBe(1, $"file {i} was fetched more than once");
        }

        // Nothing else left behind: no .part, .part.meta or .link.
        temp.AllFiles().Count(path => path.StartsWith("out", StringComparison.Ordinal)).ShouldBe(fileCount);
        var entries = await JournalTests.ReadJournalAsync(temp.Out);
        entries.Count.ShouldBe(fileCount);
        foreach (var entry in entries)
        {
            entry.State.ShouldBe(JournalState.Done, entry.Url);
            entry.Size.ShouldBe(new FileInfo(Path.Combine(temp.Out, entry.Path)).Length, entry.Url);
            entry.Sha256.ShouldBe(TestData.FileSha256(Path.Combine(temp.Out, entry.Path)), entry.Url);
        }
    }

    [Fact]
    public async Task Haul_NoClobberFlag_KeepsExistingFile()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/keep.bin", TestData.Bytes(57_919, seed: 940));
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var mine = TestData.Bytes(8, seed: 941);
        await File.WriteAllBytesAsync(Path.Combine(temp.Out, "keep.bin"), mine, TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("get", server.Url("/keep.bin"), "-d", temp.Out, "-nc", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        var line = run.JsonLines.ShouldHaveSingleItem();
        line.GetProperty("status").GetString().ShouldBe("skipped");
        line.GetProperty("note").GetString().ShouldBe("exists");
        server.Hits("/keep.bin").ShouldBe(0);
        TestData.FileSha256(Path.Combine(temp.Out, "keep.bin")).ShouldBe(TestData.Sha256(mine));
    }

    [Fact]
    public async Task Haul_HaulFolderIsSymbolicLink_RefusedBeforeAnythingRuns()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/a.bin", TestData.Bytes(100, seed: 942));
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var outside = Directory.CreateDirectory(Path.Combine(temp.Root, "elsewhere")).FullName;
        File.CreateSymbolicLink(Path.Combine(temp.Out, ".haul"), outside);

        var run = await CliRun.RunAsync("get", server.Url("/a.bin"), "-d", temp.Out);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("refusing to write through a symbolic link");
        run.Error.ShouldNotContain("Exception");
        Directory.EnumerateFileSystemEntries(outside).ShouldBeEmpty();
        server.Hits("/a.bin").ShouldBe(0);
    }
}
