namespace Haul.Serving;

/// <summary>Where a daemon's download stands, in aria2's words.</summary>
internal enum ServedState
{
    Active,
    Waiting,
    Paused,
    Error,
    Complete,
    Removed,
}
