using Haul.Errors;

namespace Haul.Journal;

/// <summary>Turns the moments of a download into journal rows, with paths relative to the output directory.</summary>
internal sealed class JournalRecorder(DownloadJournal journal, string root, TimeProvider timeProvider)
{
    public DownloadJournal Journal { get; } = journal;

    public void Queued(string url, string path) => Journal.Record(Entry(url, path, JournalState.Queued));

    public void Active(string url, string path) => Journal.Record(Entry(url, path, JournalState.Active));

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
            Journal.Record(entry with { Actions = actionsJson, UpdatedAt = timeProvider.GetUtcNow() });
        }
    }

    public string RelativePath(string path) => Path.GetRelativePath(root, path);

    public string? OwnerOf(string path) => Journal.FindByPath(RelativePath(path))?.Url;

    private JournalEntry Entry(string url, string path, JournalState state) => new()
    {
        Url = url,
        Path = RelativePath(path),
        State = state,
        UpdatedAt = timeProvider.GetUtcNow(),
    };
}
