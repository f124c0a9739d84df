using Haul.Errors;
using Haul.Events;

namespace Haul.Journal;

/// <summary>
/// Writes the journal as a reporter of the run: turns the moments of each download (planned,
/// interrupted, failed, saved, adopted, its actions run) into rows, with paths relative to the
/// output directory. No stage calls it; it observes the run's events.
/// </summary>
internal sealed class JournalRecorder : IRunObserver
{
    private readonly string _root;
    private readonly TimeProvider _timeProvider;

    /// <param name="journal">The journal written to.</param>
    /// <param name="root">The output directory paths are stored relative to.</param>
    /// <param name="timeProvider">The clock of the rows' times.</param>
    /// <param name="writeFailed">
    /// Told once, in a sentence, when the journal stops accepting writes: the downloads go on (the
    /// files are what matters), and whoever runs them decides how to tell the user.
    /// </param>
    public JournalRecorder(DownloadJournal journal, string root, TimeProvider timeProvider, Action<string>? writeFailed = null)
    {
        Journal = journal;
        _root = root;
        _timeProvider = timeProvider;
        if (writeFailed is not null)
        {
            journal.WriteFailed += ex => writeFailed(
                $"The journal {journal.Path} could not be written ({ex.Message.TrimEnd('.')}); files saved since are not recorded in it, so the next run checks them again.");
        }
    }

    public DownloadJournal Journal { get; }

    public void Observe(DownloadEvent downloadEvent)
    {
        switch (downloadEvent)
        {
            case DownloadStarted:
                Journal.BeginWriting();
                break;
            case TransferPlanned planned:
                Journal.Record(Entry(planned.Url, planned.Path, JournalState.Queued));
                break;
            case TransferInterrupted interrupted:
                Journal.Record(Entry(interrupted.Url, interrupted.Path, JournalState.Active) with { Attempts = interrupted.Attempts });
                break;
            case TransferFailed failed:
                Failed(failed.Url, failed.Path, failed.Error, failed.Attempts);
                break;
            case FileCommitted committed:
                Done(committed.Url, committed.Path, committed.Size, committed.Sha256, committed.ETag, committed.LastModified, committed.Attempts);
                break;
            case FileAdopted adopted:
                Done(adopted.Url, adopted.Path, adopted.Size, adopted.Sha256, adopted.ETag, adopted.LastModified, adopted.Attempts);
                break;
            case ActionsCompleted actions:
                ActionsDone(actions.Url, actions.OutcomesJson);
                break;
        }
    }

    public string RelativePath(string path) => Path.GetRelativePath(_root, path);

    private void Done(string url, string path, long size, string? sha256, string? etag, DateTimeOffset? lastModified, int attempts) =>
        Journal.Record(Entry(url, path, JournalState.Done) with
        {
            Size = size,
            Sha256 = sha256,
            ETag = etag,
            LastModified = lastModified,
            Attempts = attempts,
        });

    private void Failed(string url, string path, HaulException error, int attempts) =>
        Journal.Record(Entry(url, path, JournalState.Failed) with
        {
            Attempts = attempts,
            ErrorKind = error.Kind.ToName(),
            Error = error.Message,
        });

    /// <summary>Adds the post-download actions' outcomes to a done entry.</summary>
    private void ActionsDone(string url, string actionsJson)
    {
        // This run's own done row may be committed already, so the lookup must reach the database.
        if (Journal.FindLatest(url) is { State: JournalState.Done } entry)
        {
            Journal.Record(entry with { Actions = actionsJson, UpdatedAt = _timeProvider.GetUtcNow() });
        }
    }

    private JournalEntry Entry(string url, string path, JournalState state) => new()
    {
        Url = url,
        Path = RelativePath(path),
        State = state,
        UpdatedAt = _timeProvider.GetUtcNow(),
    };
}
