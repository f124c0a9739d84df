namespace Haul.Journal;

/// <summary>Where a request stands in the journal.</summary>
public enum JournalState
{
    /// <summary>Read from the input, not started.</summary>
    Queued,
    /// <summary>A transfer has started; a .part file may exist.</summary>
    Active,
    /// <summary>Saved at its final path.</summary>
    Done,
    /// <summary>Failed; the next run tries again.</summary>
    Failed,
}
