namespace Haul.Transfer;

/// <summary>
/// What the planner and the transfers read from the run's records (the journal of the output
/// directory, the shared archive). Owned here so that the records depend on the transfer layer,
/// never the other way round; they are written by observing the run's events, not through this.
/// </summary>
internal interface IDownloadRecords
{
    /// <summary>True when a journal is kept: an adopted file is then worth hashing, to record its digest.</summary>
    bool KeepsJournal { get; }

    /// <summary>The shared archive's entry for <paramref name="uri"/>: saved by some run, anywhere, so skipped.</summary>
    ArchivedDownload? FindArchived(Uri uri);

    /// <summary>What the journal knows of <paramref name="url"/> (this run's writes and earlier runs').</summary>
    KnownDownload? Find(string url);

    /// <summary>
    /// Like <see cref="Find"/>, but always reaching the database, which another process may have
    /// written since this run began.
    /// </summary>
    KnownDownload? FindLatest(string url);

    /// <summary>The URL whose journal entry targets <paramref name="path"/>, if any.</summary>
    string? OwnerOf(string path);

    /// <summary>Paths of saved files with this content, newest first: the journal's, then the archive's.</summary>
    IEnumerable<string> PathsWithContent(string sha256);
}
