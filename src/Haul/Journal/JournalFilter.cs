namespace Haul.Journal;

/// <summary>Which entries <c>haul list</c> shows.</summary>
public enum JournalFilter
{
    /// <summary>Every entry.</summary>
    All,
    /// <summary>Saved files.</summary>
    Done,
    /// <summary>Failed requests.</summary>
    Failed,
    /// <summary>Queued or active: not finished yet.</summary>
    Pending,
}
