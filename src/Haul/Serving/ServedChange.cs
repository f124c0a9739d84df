namespace Haul.Serving;

/// <summary>What came of a change asked of one download.</summary>
internal enum ServedChange
{
    Done,
    NotFound,

    /// <summary>The download is not in a state the change applies to (pausing a finished one).</summary>
    WrongState,
}
