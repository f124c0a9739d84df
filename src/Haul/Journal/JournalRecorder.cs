using Haul.Errors;

namespace Haul.Journal;

/// <summary>Turns the moments of a download into journal rows, with paths relative to the output directory.</summary>
internal sealed class JournalRecorder
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

    public void Queued(string url, string path) => Journal.Record(Entry(url, path, JournalState.Queued));

    /// <summary>Started and not finished: waiting for another attempt, or stopped (Ctrl+C) with its <c>.part</c> kept.</summary>
    public void Active(string url, string path, int attempts = 0) => Journal.Record(Entry(url, path, JournalState.Active) with { Attempts = attempts });

    public void Done(string url, string path, long size, string? sha256, string? etag, DateTimeOffset? lastModified, int attempts, string? actions = null) =>
        Journal.Record(Entry(url, path, JournalState.Done) with
        {
            Size = size,
            Sha256 = sha256,
            ETag = etag,
            LastModified = lastModified,
            Attempts = attempts,
            Actions = actions,
        });

    public void Failed(string url, string path, HaulException error, int attempts) =>
        Journal.Record(Entry(url, path, JournalState.Failed) with
        {
            Attempts = attempts,
            ErrorKind = error.Kind.ToName(),
            Error = error.Message,
        });

    /// <summary>Adds the post-download actions' outcomes to a done entry.</summary>
    public void ActionsDone(string url, string actionsJson)
    {
        // This run's own done row may be committed already, so the lookup must reach the database.
        if (Journal.FindLatest(url) is { State: JournalState.Done } entry)
        {
            Journal.Record(entry with { Actions = actionsJson, UpdatedAt = _timeProvider.GetUtcNow() });
        }
    }

    public string RelativePath(string path) => Path.GetRelativePath(_root, path);

    public string? OwnerOf(string path) => Journal.FindByPath(RelativePath(path))?.Url;

    private JournalEntry Entry(string url, string path, JournalState state) => new()
    {
        Url = url,
        Path = RelativePath(path),
        State = state,
        UpdatedAt = _timeProvider.GetUtcNow(),
    };
}
