using Haul.Errors;
using Haul.Events;
using Haul.Journal;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Journal;

/// <summary>The journal and the archive are written by observing a run's events.</summary>
public sealed class JournalRecorderTests
{
    private static readonly DateTimeOffset At = new(2026, 11, 30, 1, 2, 3, TimeSpan.Zero);

    [Fact]
    public async Task Observe_PlannedThenInterrupted_ActiveRowWithAttempts()
    {
        using var temp = new TempDirectory();
        await using (var journal = DownloadJournal.Open(temp.Out))
        {
            var recorder = new JournalRecorder(journal, temp.Out, TimeProvider.System);
            recorder.Observe(new TransferPlanned(1, "http://h/a.bin", At, Path.Combine(temp.Out, "a.bin")));
            recorder.Observe(new TransferInterrupted(1, "http://h/a.bin", At, Path.Combine(temp.Out, "a.bin"), 3));
        }

        var entry = (await JournalTests.ReadJournalAsync(temp.Out)).ShouldHaveSingleItem();
        entry.Path.ShouldBe("a.bin");
        entry.State.ShouldBe(JournalState.Active);
        entry.Attempts.ShouldBe(3);
    }

    [Fact]
    public async Task Observe_CommittedThenActions_DoneRowWithValidatorsAndActions()
    {
        using var temp = new TempDirectory();
        var modified = new DateTimeOffset(2026, 1, 2, 3, 4, 5, TimeSpan.Zero);
        await using (var journal = DownloadJournal.Open(temp.Out))
        {
            var recorder = new JournalRecorder(journal, temp.Out, TimeProvider.System);
            recorder.Observe(new TransferPlanned(1, "http://h/b.bin", At, Path.Combine(temp.Out, "b.bin")));
            recorder.Observe(new FileCommitted(1, "http://h/b.bin", At, new Uri("http://h/b.bin"), Path.Combine(temp.Out, "sub", "b.bin"), 42, new string('a', 64), "\"e1\"", modified, 2));
            recorder.Observe(new ActionsCompleted(1, "http://h/b.bin", At, "[{\"action\":\"hook\"}]"));
        }

        var entry = (await JournalTests.ReadJournalAsync(temp.Out)).ShouldHaveSingleItem();
        entry.State.ShouldBe(JournalState.Done);
        entry.Path.ShouldBe(Path.Combine("sub", "b.bin"));
        entry.Size.ShouldBe(42);
        entry.Sha256.ShouldBe(new string('a', 64));
        entry.ETag.ShouldBe("\"e1\"");
        entry.LastModified.ShouldBe(modified);
        entry.Attempts.ShouldBe(2);
        entry.Actions.ShouldBe("[{\"action\":\"hook\"}]");
    }

    [Fact]
    public async Task Observe_TransferFailed_FailedRowWithKindAndMessage()
    {
        using var temp = new TempDirectory();
        await using (var journal = DownloadJournal.Open(temp.Out))
        {
            var recorder = new JournalRecorder(journal, temp.Out, TimeProvider.System);
            recorder.Observe(new TransferFailed(1, "http://h/c.bin", At, Path.Combine(temp.Out, "c.bin"), HaulErrors.Status("http://h/c.bin", 404, "Not Found", null), 1));
        }

        var entry = (await JournalTests.ReadJournalAsync(temp.Out)).ShouldHaveSingleItem();
        entry.State.ShouldBe(JournalState.Failed);
        entry.ErrorKind.ShouldBe("http");
        entry.Error.ShouldNotBeNullOrEmpty();
        entry.Attempts.ShouldBe(1);
    }

    [Fact]
    public async Task Observe_CommittedAndAdopted_ArchiveKeepsOnlyTheCommittedFile()
    {
        using var temp = new TempDirectory();
        var archivePath = Path.Combine(temp.Out, "archive.db");
        var committedSha = new string('b', 64);
        await using (var archive = new DownloadArchive(archivePath))
        {
            var recorder = new ArchiveRecorder(archive, TimeProvider.System);
            recorder.Observe(new FileCommitted(1, "http://H:80/d.bin", At, new Uri("http://H:80/d.bin"), Path.Combine(temp.Out, "d.bin"), 7, committedSha, null, null, 1));
            recorder.Observe(new FileAdopted(2, "http://h/e.bin", At, Path.Combine(temp.Out, "e.bin"), 9, new string('c', 64), null, null, 0));
        }

        await using var reopened = new DownloadArchive(archivePath);
        var entry = reopened.Find("http://h/d.bin").ShouldNotBeNull();
        entry.Sha256.ShouldBe(committedSha);
        entry.Size.ShouldBe(7);
        entry.Path.ShouldBe(Path.Combine(temp.Out, "d.bin"));
        reopened.Find("http://h/e.bin").ShouldBeNull();
    }

    [Fact]
    public async Task Open_NothingLookedUpOrRecorded_NoFileUntilDisposed()
    {
        using var temp = new TempDirectory();
        var journal = DownloadJournal.Open(temp.Out);
        journal.Find("http://h/a.bin").ShouldBeNull();
        journal.FindByPath("a.bin").ShouldBeNull();

        File.Exists(journal.Path).ShouldBeFalse();
        await journal.DisposeAsync();
        File.Exists(journal.Path).ShouldBeTrue();
    }

    [Fact]
    public async Task Find_ExistingJournal_ReadsEarlierRunsRows()
    {
        using var temp = new TempDirectory();
        await using (var first = DownloadJournal.Open(temp.Out))
        {
            new JournalRecorder(first, temp.Out, TimeProvider.System)
                .Observe(new FileCommitted(1, "http://h/f.bin", At, new Uri("http://h/f.bin"), Path.Combine(temp.Out, "f.bin"), 5, new string('d', 64), null, null, 1));
        }

        await using var second = DownloadJournal.Open(temp.Out);
        second.Find("http://h/f.bin").ShouldNotBeNull().Sha256.ShouldBe(new string('d', 64));
        second.FindByPath("f.bin").ShouldNotBeNull().Url.ShouldBe("http://h/f.bin");
    }
}
