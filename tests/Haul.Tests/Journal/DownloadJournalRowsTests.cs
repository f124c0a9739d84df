using Haul.Journal;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Journal;

/// <summary>What a run records is what the next run reads: every column, nulls and empty text kept apart.</summary>
public sealed class DownloadJournalRowsTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 1, 2, 3, 456, TimeSpan.Zero);

    [Fact]
    public async Task Record_EveryColumn_ReadBackEqual()
    {
        using var temp = new TempDirectory();
        JournalEntry[] entries =
        [
            new()
            {
                Url = "http://h/a.bin", Path = "a.bin", State = JournalState.Done, Size = 16384, Sha256 = new string('c', 64),
                ETag = "", LastModified = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.FromHours(2)), Attempts = 2,
                Actions = "[{\"action\":\"hook\",\"status\":\"ok\"}]", UpdatedAt = At,
            },
            new()
            {
                Url = "http://h/b.bin?q=é", Path = Path.Combine("sub", "日本.bin"), State = JournalState.Failed, Attempts = 3,
                ErrorKind = "http", Error = "404 Not Found from http://h/b.bin?q=é.", UpdatedAt = At,
            },
            new() { Url = "http://h/c.bin", Path = "c.bin", State = JournalState.Queued, UpdatedAt = At },
            new() { Url = "http://h/d.bin", Path = "d.bin", State = JournalState.Active, Size = 0, Attempts = 1, UpdatedAt = At },
        ];
        await using (var journal = DownloadJournal.Open(temp.Out))
        {
            foreach (var entry in entries)
            {
                journal.Record(entry);
            }
        }

        var read = await JournalTests.ReadJournalAsync(temp.Out);

        read.OrderBy(e => e.Url, StringComparer.Ordinal).ShouldBe(entries.OrderBy(e => e.Url, StringComparer.Ordinal));
    }

    [Fact]
    public async Task Record_DoneAtAnotherUrlsPath_TheOtherRowIsForgotten()
    {
        using var temp = new TempDirectory();
        await using (var journal = DownloadJournal.Open(temp.Out))
        {
            journal.Record(Done("http://h/old", "x.bin"));
            journal.Record(Done("http://h/kept", "y.bin"));
        }

        await using (var journal = DownloadJournal.Open(temp.Out))
        {
            journal.Record(Done("http://h/new", "x.bin"));
        }

        (await JournalTests.ReadJournalAsync(temp.Out)).Select(e => $"{e.Url} {e.Path}").Order(StringComparer.Ordinal)
            .ShouldBe(["http://h/kept y.bin", "http://h/new x.bin"]);
    }

    private static JournalEntry Done(string url, string path) =>
        new() { Url = url, Path = path, State = JournalState.Done, Size = 1, Sha256 = new string('a', 64), Attempts = 1, UpdatedAt = At };
}
