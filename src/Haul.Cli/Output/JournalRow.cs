using System.Globalization;
using Haul.Actions;
using Haul.Journal;

namespace Haul.Cli.Output;

/// <summary>One journal entry as the cells of the <c>haul list</c> table: plain values, so a large journal stays small in memory.</summary>
internal sealed record JournalRow(string File, long? Bytes, JournalState State, string When, string Attempts, string Note)
{
    /// <remarks>The path and the note (a stored error, a server's words) are made safe for a terminal here, once.</remarks>
    /// <remarks>An unfinished entry shows the bytes of its <c>.part</c> and the state its transfer reached.</remarks>
    public static JournalRow From(string directory, JournalEntry entry) => From(directory, entry, JournalFileCheck.PartBytes(directory, entry));

    private static JournalRow From(string directory, JournalEntry entry, long? partBytes) => new(
        DisplayText.Safe(entry.Path),
        entry.Size ?? partBytes,
        JournalFileCheck.Reached(entry, partBytes),
        entry.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture),
        entry.Attempts.ToString(CultureInfo.InvariantCulture),
        DisplayText.Safe(JournalNote.For(directory, entry)));

    public string Size => Bytes is { } bytes ? ByteFormat.Size(bytes) : "-";

    public string StateName => DownloadJournal.StateName(State);
}
