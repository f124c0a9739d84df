using Haul.Journal;

namespace Haul.Cli.Output;

/// <summary>Whether what the journal recorded is still on disk: the list view's only look past the journal.</summary>
internal static class JournalFileCheck
{
    /// <summary>
    /// A done entry is on disk when its file exists with the recorded size; any other entry when a
    /// file exists at its path (an earlier copy, for example).
    /// </summary>
    public static bool IsOnDisk(string directory, JournalEntry entry) =>
        entry.State == JournalState.Done ? Problem(directory, entry) is null : File.Exists(FullPath(directory, entry));

    /// <summary>Why a done entry's file no longer matches the journal, or null when it does.</summary>
    public static string? Problem(string directory, JournalEntry entry)
    {
        var file = new FileInfo(FullPath(directory, entry));
        if (!file.Exists)
        {
            return "missing on disk";
        }

        return entry.Size is { } size && file.Length != size
            ? $"{ByteFormat.Size(file.Length)} on disk, not {ByteFormat.Size(size)}"
            : null;
    }

    /// <summary>
    /// The bytes of an unfinished entry's <c>.part</c> (what a later run resumes from), or null when
    /// the entry is done or has none. Not followed through a link: a link there is not Haul's.
    /// </summary>
    public static long? PartBytes(string directory, JournalEntry entry)
    {
        if (entry.State == JournalState.Done)
        {
            return null;
        }

        var part = new FileInfo(FullPath(directory, entry) + Storage.PartFile.Suffix);
        return part.Exists && part.LinkTarget is null ? part.Length : null;
    }

    /// <summary>
    /// The state a transfer reached: the journal writes <c>queued</c> once and <c>active</c> only when
    /// an attempt is retried or stopped, so a queued entry whose <c>.part</c> holds bytes (a killed
    /// run) was active.
    /// </summary>
    public static JournalState Reached(JournalEntry entry, long? partBytes) =>
        entry.State == JournalState.Queued && partBytes > 0 ? JournalState.Active : entry.State;

    private static string FullPath(string directory, JournalEntry entry) => Path.Combine(directory, entry.Path);
}
