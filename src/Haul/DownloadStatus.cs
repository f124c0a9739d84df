namespace Haul;

/// <summary>How a download ended.</summary>
public enum DownloadStatus
{
    /// <summary>The file was fetched and saved.</summary>
    Ok,
    /// <summary>The download failed; see <see cref="DownloadResult.Error"/>.</summary>
    Failed,
    /// <summary>It was already complete and nothing was fetched.</summary>
    Skipped,
}
