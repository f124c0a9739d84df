using Haul.Storage;

namespace Haul.Transfer;

/// <summary>A validated request with its reserved place on disk, ready to be scheduled.</summary>
internal sealed record DownloadTarget(DownloadRequest Request, Uri Uri, string Directory, string Name, string Path, bool NameIsFixed)
{
    /// <summary>The key the per-host limit counts by: host and port.</summary>
    public string HostKey => $"{Uri.IdnHost}:{Uri.Port}";

    /// <summary>
    /// Validators of the copy already on disk, for <c>--check-updates</c>: the request becomes
    /// conditional, a 304 means nothing to do, and a new body replaces the old file atomically.
    /// </summary>
    public PartMetadata? Existing { get; init; }

    /// <summary>The file at <see cref="Path"/> is this URL's own older copy (changed on disk, or being updated): replace it.</summary>
    public bool ReplacesExisting { get; init; }

    /// <summary>This URL's reservation in the run (see <see cref="NameReservations.TryReserveUrl"/>), given back when the transfer fails.</summary>
    public UInt128? UrlKey { get; init; }

    /// <summary>The download's number in its downloader, for its events; 0 outside a scheduled run.</summary>
    public long Id { get; init; }
}
