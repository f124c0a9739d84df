using Haul.Cli;
using Haul.Journal;
using Haul.Tests.EndToEnd;
using Microsoft.Data.Sqlite;

namespace Haul.Tests.Cli;

/// <summary>A journal that stops accepting writes mid-run costs the record, not the downloads.</summary>
public sealed class JournalFailureTests
{
    [Fact]
    public async Task Get_JournalWritesFailMidRun_OneLineSummaryFilesSavedExitOne()
    {
        byte[][] contents = [TestData.Bytes(4000, seed: 70), TestData.Bytes(6000, seed: 71), TestData.Bytes(8000, seed: 72)];
        await using var server = await LoopbackServer.StartAsync();
        for (var i = 0; i < contents.Length; i++)
        {
            server.MapFile($"/f{i}.bin", contents[i]);
        }

        using var temp = new TempDirectory();

        await RefuseJournalWritesAsync(temp.Out);

        var run = await CliRun.RunAsync("get", server.Url("/f0.bin"), server.Url("/f1.bin"), server.Url("/f2.bin"), "-d", temp.Out, "--progress", "plain");

        run.ExitCode.ShouldBe(ExitCodes.SomeFailed, run.Error);
        var journalLines = run.Error.Split('\n').Where(line => line.Contains("journal", StringComparison.Ordinal)).ToList();
        journalLines.ShouldHaveSingleItem().ShouldStartWith($"haul: The journal {DownloadJournal.PathFor(temp.Out)} could not be written (");
        journalLines[0].ShouldContain("disk gone");
        run.Error.ShouldContain("haul: 3 done, 0 skipped, 0 failed");
        run.Error.ShouldNotContain("System.");
        for (var i = 0; i < contents.Length; i++)
        {
            TestData.FileSha256(Path.Combine(temp.Out, $"f{i}.bin")).ShouldBe(TestData.Sha256(contents[i]));
        }
    }

    [Fact]
    public async Task Get_JournalWritesFailWithJson_StdoutStillEveryResult()
    {
        var content = TestData.Bytes(3000, seed: 73);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/a.bin", content);
        using var temp = new TempDirectory();
        await RefuseJournalWritesAsync(temp.Out);

        var run = await CliRun.RunAsync("get", server.Url("/a.bin"), "-d", temp.Out, "--json");

        run.ExitCode.ShouldBe(ExitCodes.SomeFailed, run.Error);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("sha256").GetString().ShouldBe(TestData.Sha256(content));
        run.Error.ShouldContain("disk gone");
        TestData.FileSha256(Path.Combine(temp.Out, "a.bin")).ShouldBe(TestData.Sha256(content));
    }

    /// <summary>
    /// A real journal whose database refuses every row from now on, as a failing disk would: SQLite
    /// itself raises the error on the writer's insert, inside its transaction, while the run goes on.
    /// </summary>
    private static async Task RefuseJournalWritesAsync(string directory)
    {
        await DownloadJournal.Open(directory).DisposeAsync();
        await using var connection = new SqliteConnection($"Data Source={DownloadJournal.PathFor(directory)};Pooling=false");
        await connection.OpenAsync(TestContext.Current.CancellationToken);
        await using var command = connection.CreateCommand();
        command.CommandText = "CREATE TRIGGER refuse BEFORE INSERT ON downloads BEGIN SELECT RAISE(ABORT, 'disk gone'); END;";
        await command.ExecuteNonQueryAsync(TestContext.Current.CancellationToken);
    }
}
