using Haul.Cli;
using Haul.Journal;
using Haul.Storage;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

/// <summary><c>haul list --pending</c> after a run stopped part-way: the bytes on disk and the state the transfer reached.</summary>
public sealed class ListPendingTests
{
    private const int Received = 650 * 1024;

    [Fact]
    public async Task ListPending_RunStoppedPartWay_ShowsPartBytesActiveAndAttempts()
    {
        var content = TestData.Bytes(2 * 1024 * 1024, seed: 160);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/big.iso", (context, _) => server.ServeThenStallAsync(context, content, Received, "\"v1\""));
        using var temp = new TempDirectory();
        var part = Path.Combine(temp.Out, "big.iso" + PartFile.Suffix);

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        using var output = new StringWriter();
        using var error = new StringWriter();
        var running = HaulCli.RunAsync(["get", server.Url("/big.iso"), "-d", temp.Out, "-q"], new CliIo(TextReader.Null, output, error, ErrorIsTerminal: false), stop.Token);
        await Eventually.FileReachesAsync(part, Received);
        await stop.CancelAsync();
        (await running).ShouldBe(ExitCodes.Interrupted, error.ToString());

        var table = await CliRun.RunAsync("list", "-d", temp.Out, "--pending");
        var json = await CliRun.RunAsync("list", "-d", temp.Out, "--pending", "--json");

        table.ExitCode.ShouldBe(0, table.Error);
        var cells = table.Out.Split('\n').Single(line => line.Contains("big.iso", StringComparison.Ordinal)).Split('|', StringSplitOptions.TrimEntries);
        (cells[1], cells[2], cells[3], cells[5]).ShouldBe(("big.iso", "650.0 KiB", "active", "1"));
        var entry = json.JsonLines.ShouldHaveSingleItem();
        entry.GetProperty("state").GetString().ShouldBe("active");
        entry.GetProperty("part_bytes").GetInt64().ShouldBe(Received);
        entry.GetProperty("attempts").GetInt32().ShouldBe(1);
        TestData.FileSha256(part).ShouldBe(TestData.Sha256(content[..Received]));
    }

    [Fact]
    public async Task ListPending_QueuedEntryWithPartOnDisk_ShownActiveWithItsBytes()
    {
        // A run killed outright leaves the entry queued: the .part beside it says the transfer had started.
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        await using (var journal = DownloadJournal.Open(temp.Out))
        {
            journal.Record(new JournalEntry { Url = "http://example.test/k.bin", Path = "k.bin", State = JournalState.Queued, UpdatedAt = DateTimeOffset.UnixEpoch });
        }

        await File.WriteAllBytesAsync(Path.Combine(temp.Out, "k.bin" + PartFile.Suffix), new byte[3000], TestContext.Current.CancellationToken);

        var json = await CliRun.RunAsync("list", "-d", temp.Out, "--json");

        json.ExitCode.ShouldBe(0, json.Error);
        var entry = json.JsonLines.ShouldHaveSingleItem();
        entry.GetProperty("state").GetString().ShouldBe("active");
        entry.GetProperty("part_bytes").GetInt64().ShouldBe(3000);
    }
}
