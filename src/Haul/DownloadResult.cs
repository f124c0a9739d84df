using Haul.Errors;

namespace Haul;

/// <summary>The outcome of one <see cref="DownloadRequest"/>.</summary>
public sealed record DownloadResult
{
    /// <summary>The request this result answers.</summary>
    public required DownloadRequest Request { get; init; }

    /// <summary>How it ended.</summary>
    public required DownloadStatus Status { get; init; }

    /// <summary>
    /// A file (the default), or a crawl page that could not be fetched (a 404, a refused connection,
    /// an unknown host, a stall past the idle timeout) or whose redirect left the crawl's scope.
    /// </summary>
    public ResultKind Kind { get; init; } = ResultKind.File;

    /// <summary>Where the file is (the output directory joined with its name), when one was chosen.</summary>
    public string? Path { get; init; }

    /// <summary>The size of the saved file in bytes.</summary>
    public long Bytes { get; init; }

    /// <summary>SHA-256 of the saved file, lower-case hex; null when nothing was saved.</summary>
    public string? Sha256 { get; init; }

    /// <summary>How many HTTP attempts were made (0 when nothing was sent).</summary>
    public int Attempts { get; init; }

    /// <summary>Wall time from start to finish of this download.</summary>
    public TimeSpan Elapsed { get; init; }

    /// <summary>Why it failed; null unless <see cref="Status"/> is <see cref="DownloadStatus.Failed"/>.</summary>
    public HaulException? Error { get; init; }

    /// <summary>A short human note for skipped results, such as why nothing was fetched.</summary>
    public string? Note { get; init; }

    /// <summary>What the post-download actions did, in order (verify, extract, on-complete).</summary>
    public IReadOnlyList<Actions.ActionOutcome> Actions { get; init; } = [];

    /// <summary>The URL as requested.</summary>
    public string Url => Request.Url;
}
