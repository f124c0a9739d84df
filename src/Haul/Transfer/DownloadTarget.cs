namespace Haul.Transfer;

/// <summary>A validated request with its reserved place on disk, ready to be scheduled.</summary>
internal sealed record DownloadTarget(DownloadRequest Request, Uri Uri, string Directory, string Name, string Path, bool NameIsFixed)
{
    /// <summary>The key the per-host limit counts by: host and port.</summary>
    public string HostKey => $"{Uri.IdnHost}:{Uri.Port}";
}
