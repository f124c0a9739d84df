namespace Haul.Progress;

/// <summary>One transfer in flight at the moment of a <see cref="DownloadProgress"/> snapshot.</summary>
/// <param name="Url">The requested URL.</param>
/// <param name="Name">The file name it is being saved as.</param>
/// <param name="Received">Bytes of the file on disk so far, including resumed bytes.</param>
/// <param name="Length">The full length of the file, when the server said.</param>
/// <param name="Attempt">Which attempt this is, from 1.</param>
public sealed record TransferSnapshot(string Url, string Name, long Received, long? Length, int Attempt)
{
    /// <summary>The download's number, as in its events' <see cref="Events.DownloadEvent.Id"/> (0 when the run raises no events).</summary>
    public long DownloadId { get; init; }
}
