namespace Haul.Actions;

/// <summary>Limits that stop archive bombs during <c>--extract</c>.</summary>
public sealed record ExtractOptions
{
    /// <summary>The most bytes one archive may unpack to, counted as they are written.</summary>
    public long MaxTotalBytes { get; init; } = 16L * 1024 * 1024 * 1024;

    /// <summary>The most entries (files, folders, links) one archive may hold.</summary>
    public int MaxEntries { get; init; } = 100_000;

    /// <summary>The largest ratio of unpacked bytes to archive bytes.</summary>
    public double MaxRatio { get; init; } = 200;
}
