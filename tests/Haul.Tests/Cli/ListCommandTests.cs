using System.Text.Json;
using Haul.Cli.Output;
using Haul.Journal;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

public sealed class ListCommandTests
{
    private const string Host = "http://example.test/";
    private const string ActionsJson =
        """[{"action":"extract","succeeded":true,"message":"Extracted 3 files."},""" +
        """{"action":"on-complete","succeeded":false,"message":"The hook exited with code 1.","exit_code":1}]""";

    private static readonly DateTimeOffset When = new(2025, 3, 1, 12, 30, 0, TimeSpan.Zero);
    private static readonly byte[] Present = TestData.Bytes(3000, seed: 60);
    private static readonly byte[] Archive = TestData.Bytes(2048, seed: 61);
    private static readonly string[] AllPaths = ["a.jpg", "big.iso", "later.jpg", "missing.jpg", "pkg.tar.gz", "sub/gone.png"];

    [Fact]
    public async Task List_NoFilter_PrintsPlainTableAndTotals()
    {
        using var temp = new TempDirectory();
        await SeedAsync(temp.Out);

        var run = await CliRun.RunAsync("list", "-d", temp.Out);

        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldBeEmpty();
        run.Out.ReplaceLineEndings("\n").ShouldBe("""
            +--------------+---------+--------+------------------+----------+-----------------------------------------------------------+
            | File         |    Size | State  | When (UTC)       | Attempts | Note                                                      |
            |--------------+---------+--------+------------------+----------+-----------------------------------------------------------|
            | a.jpg        | 2.9 KiB | done   | 2025-03-01 12:30 |        1 |                                                           |
            | big.iso      |       - | active | 2025-03-01 12:45 |        2 |                                                           |
            | later.jpg    |       - | queued | 2025-03-01 12:30 |        0 |                                                           |
            | missing.jpg  |       - | failed | 2025-03-01 12:30 |        3 | http: 404 Not Found from http://example.test/missing.jpg. |
            | pkg.tar.gz   | 2.0 KiB | done   | 2025-03-01 12:30 |        2 | extract ok; on-complete failed (exit 1)                   |
            | sub/gone.png | 4.9 KiB | done   | 2025-03-01 12:30 |        1 | missing on disk                                           |
            +--------------+---------+--------+------------------+----------+-----------------------------------------------------------+
            3 done (9.8 KiB), 1 failed, 2 pending

            """);
    }

    [Theory]
    [InlineData("--done", "a.jpg,pkg.tar.gz,sub/gone.png", "3 done (9.8 KiB), 0 failed, 0 pending")]
    [InlineData("--failed", "missing.jpg", "0 done (0 B), 1 failed, 0 pending")]
    [InlineData("--pending", "big.iso,later.jpg", "0 done (0 B), 0 failed, 2 pending")]
    [InlineData(null, "a.jpg,big.iso,later.jpg,missing.jpg,pkg.tar.gz,sub/gone.png", "3 done (9.8 KiB), 1 failed, 2 pending")]
    public async Task List_Filter_TableShowsOnlyMatchingEntries(string? filter, string expected, string totals)
    {
        using var temp = new TempDirectory();
        await SeedAsync(temp.Out);

        var run = await CliRun.RunAsync(filter is null ? ["list", "-d", temp.Out] : ["list", "-d", temp.Out, filter]);

        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldBeEmpty();
        var shown = expected.Split(',');
        foreach (var path in AllPaths)
        {
            if (shown.Contains(path))
            {
                run.Out.ShouldContain($"| {path} ");
            }
            else
            {
                run.Out.ShouldNotContain($"| {path} ");
            }
        }

        Lines(run.Out)[^1].ShouldBe(totals);
    }

    [Fact]
    public async Task List_MoreRowsThanOneBlock_DrawsOneAlignedTable()
    {
        using var temp = new TempDirectory();
        var count = (JournalTable.RowsPerBlock * 2) + 88;
        await using (var journal = DownloadJournal.Open(temp.Out))
        {
            for (var i = 0; i < count; i++)
            {
                journal.Record(Entry($"images/{i:D4}.jpg", JournalState.Done, size: 1000, attempts: 1));
            }
        }

        var run = await CliRun.RunAsync("list", "-d", temp.Out);

        run.ExitCode.ShouldBe(0, run.Error);
        var lines = Lines(run.Out);
        lines.Length.ShouldBe(count + 5);
        lines[^1].ShouldBe($"{count} done (585.9 KiB), 0 failed, 0 pending");
        var table = lines[..^1];
        table.Select(line => line.Length).Distinct().ShouldHaveSingleItem();
        table.Count(line => line.StartsWith('+')).ShouldBe(2);
        table[0].ShouldStartWith("+");
        table[^1].ShouldStartWith("+");
        table.Count(line => line.StartsWith("| File ", StringComparison.Ordinal)).ShouldBe(1);
        table.Count(line => line.StartsWith("|-", StringComparison.Ordinal)).ShouldBe(1);
        table[3..^1].Select(line => line.Split('|')[1].Trim()).ShouldBe(Enumerable.Range(0, count).Select(i => $"images/{i:D4}.jpg"));
    }

    [Theory]
    [InlineData("""[{"action":"extract","succeeded":false,"message":"Refused.","kind":"scope"}]""", "extract failed (scope)")]
    [InlineData("""[{"action":"on-complete","succeeded":true,"message":"Ran.","exit_code":0}]""", "on-complete ok")]
    [InlineData("""[{"action":"verify","succeeded":false,"message":"No."}]""", "verify failed")]
    [InlineData("[]", null)]
    [InlineData("[1]", "action unreadable")]
    [InlineData("{not json", "actions unreadable")]
    public void Actions_Outcomes_SummarizedForTheNoteColumn(string json, string? expected)
    {
        JournalNote.Actions(json).ShouldBe(expected);
    }

    [Fact]
    public async Task List_NothingMatches_PrintsOnlyTotals()
    {
        using var temp = new TempDirectory();
        await using (var journal = DownloadJournal.Open(temp.Out))
        {
            journal.Record(Entry("a.jpg", JournalState.Done, size: 10));
        }

        File.WriteAllBytes(Path.Combine(temp.Out, "a.jpg"), new byte[10]);

        var run = await CliRun.RunAsync("list", "-d", temp.Out, "--failed");

        run.ExitCode.ShouldBe(0, run.Error);
        Lines(run.Out).ShouldBe(["0 done (0 B), 0 failed, 0 pending"]);
    }

    [Fact]
    public async Task List_DoneFileWithOtherSize_NotesItAndIsNotOnDisk()
    {
        using var temp = new TempDirectory();
        await using (var journal = DownloadJournal.Open(temp.Out))
        {
            journal.Record(Entry("a.jpg", JournalState.Done, size: 20));
        }

        File.WriteAllBytes(Path.Combine(temp.Out, "a.jpg"), new byte[10]);

        var table = await CliRun.RunAsync("list", "-d", temp.Out);
        var json = await CliRun.RunAsync("list", "-d", temp.Out, "--json");

        table.Out.ShouldContain("| 10 B on disk, not 20 B |");
        json.JsonLines.ShouldHaveSingleItem().GetProperty("on_disk").GetBoolean().ShouldBeFalse();
    }

    [Fact]
    public async Task List_Json_WritesOneObjectPerEntryWithParsedActions()
    {
        using var temp = new TempDirectory();
        await SeedAsync(temp.Out);

        var run = await CliRun.RunAsync("list", "-d", temp.Out, "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldBeEmpty();
        var lines = run.JsonLines;
        lines.Select(line => line.GetProperty("path").GetString()).ShouldBe(AllPaths);
        var byPath = lines.ToDictionary(line => line.GetProperty("path").GetString()!);

        var present = byPath["a.jpg"];
        present.GetProperty("url").GetString().ShouldBe(Host + "a.jpg");
        present.GetProperty("state").GetString().ShouldBe("done");
        present.GetProperty("size").GetInt64().ShouldBe(3000);
        present.GetProperty("sha256").GetString().ShouldBe(TestData.Sha256(Present));
        present.GetProperty("attempts").GetInt32().ShouldBe(1);
        present.GetProperty("updated_at").GetString().ShouldBe("2025-03-01T12:30:00+00:00");
        present.GetProperty("on_disk").GetBoolean().ShouldBeTrue();
        present.TryGetProperty("error", out _).ShouldBeFalse();
        present.TryGetProperty("actions", out _).ShouldBeFalse();

        byPath["sub/gone.png"].GetProperty("on_disk").GetBoolean().ShouldBeFalse();
        byPath["sub/gone.png"].GetProperty("size").GetInt64().ShouldBe(5000);

        var archive = byPath["pkg.tar.gz"];
        archive.GetProperty("on_disk").GetBoolean().ShouldBeTrue();
        var actions = archive.GetProperty("actions");
        actions.ValueKind.ShouldBe(JsonValueKind.Array);
        actions.GetArrayLength().ShouldBe(2);
        actions[0].GetProperty("action").GetString().ShouldBe("extract");
        actions[0].GetProperty("succeeded").GetBoolean().ShouldBeTrue();
        actions[1].GetProperty("action").GetString().ShouldBe("on-complete");
        actions[1].GetProperty("succeeded").GetBoolean().ShouldBeFalse();
        actions[1].GetProperty("exit_code").GetInt32().ShouldBe(1);
        actions[1].GetProperty("message").GetString().ShouldBe("The hook exited with code 1.");

        var failed = byPath["missing.jpg"];
        failed.GetProperty("state").GetString().ShouldBe("failed");
        failed.GetProperty("attempts").GetInt32().ShouldBe(3);
        failed.GetProperty("on_disk").GetBoolean().ShouldBeFalse();
        failed.TryGetProperty("size", out _).ShouldBeFalse();
        var error = failed.GetProperty("error");
        error.GetProperty("kind").GetString().ShouldBe("http");
        error.GetProperty("message").GetString().ShouldBe("404 Not Found from http://example.test/missing.jpg.");

        byPath["later.jpg"].GetProperty("state").GetString().ShouldBe("queued");
        byPath["later.jpg"].GetProperty("on_disk").GetBoolean().ShouldBeFalse();
        var active = byPath["big.iso"];
        active.GetProperty("state").GetString().ShouldBe("active");
        active.GetProperty("updated_at").GetString().ShouldBe("2025-03-01T12:45:00+00:00");
    }

    [Theory]
    [InlineData("--done", "a.jpg,pkg.tar.gz,sub/gone.png")]
    [InlineData("--failed", "missing.jpg")]
    [InlineData("--pending", "big.iso,later.jpg")]
    public async Task List_JsonFilter_WritesOnlyMatchingEntries(string filter, string expected)
    {
        using var temp = new TempDirectory();
        await SeedAsync(temp.Out);

        var run = await CliRun.RunAsync("list", "--json", filter, "-d", temp.Out);

        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldBeEmpty();
        run.JsonLines.Select(line => line.GetProperty("url").GetString()).ShouldBe(expected.Split(',').Select(path => Host + path));
    }

    [Theory]
    [InlineData("--done", "--failed")]
    [InlineData("--failed", "--pending")]
    [InlineData("--pending", "--done", "--json")]
    [InlineData("--done", "--failed", "--pending")]
    public async Task List_SeveralFilters_IsUsageErrorExitTwo(params string[] flags)
    {
        using var temp = new TempDirectory();
        await SeedAsync(temp.Out);

        var run = await CliRun.RunAsync(["list", "-d", temp.Out, .. flags]);

        run.ExitCode.ShouldBe(2);
        run.Out.ShouldBeEmpty();
        Lines(run.Error).ShouldBe(["haul: --done, --failed and --pending exclude each other; pass at most one."]);
    }

    [Fact]
    public async Task List_NoJournal_SaysSoAndExitsTwo()
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("list", "-d", temp.Root, "--json");

        run.ExitCode.ShouldBe(2);
        run.Out.ShouldBeEmpty();
        Lines(run.Error).ShouldBe([$"haul: no journal in {temp.Root} (nothing downloaded there yet, or it ran with --no-journal)."]);
    }

    [Fact]
    public async Task List_MissingDirectoryDefaultingToCurrent_SaysNoJournal()
    {
        Assert.SkipWhen(File.Exists(DownloadJournal.PathFor(Environment.CurrentDirectory)), "the test's working directory has a journal");

        var run = await CliRun.RunAsync("list");

        run.ExitCode.ShouldBe(2);
        Lines(run.Error).ShouldBe([$"haul: no journal in {Path.GetFullPath(".")} (nothing downloaded there yet, or it ran with --no-journal)."]);
    }

    [Fact]
    public async Task List_UnreadableJournal_IsInputErrorExitTwo()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(Path.Combine(temp.Out, DownloadJournal.FolderName));
        await File.WriteAllTextAsync(DownloadJournal.PathFor(temp.Out), "not a database, just text that is long enough to have a header.", TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("list", "-d", temp.Out);

        run.ExitCode.ShouldBe(2);
        run.Out.ShouldBeEmpty();
        Lines(run.Error).ShouldHaveSingleItem().ShouldStartWith($"haul: cannot read the journal {DownloadJournal.PathFor(temp.Out)}: ");
    }

    [Fact]
    public async Task List_RelativeAndAbsoluteDir_ReadTheSameJournalAndFiles()
    {
        using var temp = new TempDirectory();
        await SeedAsync(temp.Out);
        var relative = Path.GetRelativePath(Environment.CurrentDirectory, temp.Out);
        Path.IsPathRooted(relative).ShouldBeFalse();

        var fromRelative = await CliRun.RunAsync("list", "-d", relative, "--json");
        var fromAbsolute = await CliRun.RunAsync("list", "--dir", temp.Out, "--json");

        fromRelative.ExitCode.ShouldBe(0, fromRelative.Error);
        fromAbsolute.ExitCode.ShouldBe(0, fromAbsolute.Error);
        fromRelative.Out.ShouldBe(fromAbsolute.Out);
        OnDisk(fromRelative).ShouldBe(["a.jpg", "pkg.tar.gz"]);
        OnDisk(fromAbsolute).ShouldBe(["a.jpg", "pkg.tar.gz"]);
    }

    private static string[] OnDisk(CliRun run) =>
        [.. run.JsonLines.Where(line => line.GetProperty("on_disk").GetBoolean()).Select(line => line.GetProperty("path").GetString()!)];

    private static string[] Lines(string text) => text.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');

    /// <summary>Two done files on disk (one with actions), one done but deleted, one failed, one queued, one active.</summary>
    private static async Task SeedAsync(string directory)
    {
        await using (var journal = DownloadJournal.Open(directory))
        {
            journal.Record(Entry("a.jpg", JournalState.Done, size: Present.Length, attempts: 1) with { Sha256 = TestData.Sha256(Present) });
            journal.Record(Entry("sub/gone.png", JournalState.Done, size: 5000, attempts: 1) with { Sha256 = new string('b', 64) });
            journal.Record(Entry("pkg.tar.gz", JournalState.Done, size: Archive.Length, attempts: 2) with
            {
                Sha256 = TestData.Sha256(Archive),
                Actions = ActionsJson,
            });
            journal.Record(Entry("missing.jpg", JournalState.Failed, attempts: 3) with
            {
                ErrorKind = "http",
                Error = "404 Not Found from http://example.test/missing.jpg.",
            });
            journal.Record(Entry("later.jpg", JournalState.Queued));

            // Recorded in another time zone: listed in UTC.
            journal.Record(Entry("big.iso", JournalState.Active, attempts: 2) with { UpdatedAt = new DateTimeOffset(2025, 3, 1, 14, 45, 0, TimeSpan.FromHours(2)) });
        }

        await File.WriteAllBytesAsync(Path.Combine(directory, "a.jpg"), Present, TestContext.Current.CancellationToken);
        await File.WriteAllBytesAsync(Path.Combine(directory, "pkg.tar.gz"), Archive, TestContext.Current.CancellationToken);
    }

    private static JournalEntry Entry(string path, JournalState state, long? size = null, int attempts = 0) => new()
    {
        Url = Host + path,
        Path = path,
        State = state,
        Size = size,
        Attempts = attempts,
        UpdatedAt = When,
    };
}
