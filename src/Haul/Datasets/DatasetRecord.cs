using Haul.Errors;

namespace Haul.Datasets;

/// <summary>What became of one sample: its picture and sizes, or why there is none.</summary>
/// <param name="Sample">The input row.</param>
/// <param name="Key">Its key in the output.</param>
/// <param name="Image">The picture as written; null when the sample failed.</param>
/// <param name="Sha256">The SHA-256 of the downloaded bytes (lower-case hex); null when nothing was downloaded.</param>
/// <param name="Error">Why the sample failed; null when it succeeded.</param>
/// <param name="Downloaded">Whether the bytes were downloaded (a failure after that is a failure to resize).</param>
internal sealed record DatasetRecord(DatasetSample Sample, string Key, ProcessedImage? Image, string? Sha256, HaulException? Error, bool Downloaded)
{
    public const string Success = "success";
    public const string FailedToDownload = "failed_to_download";
    public const string FailedToResize = "failed_to_resize";

    /// <summary>img2dataset's status: <c>success</c>, <c>failed_to_download</c> or <c>failed_to_resize</c>.</summary>
    public string Status => Image is not null ? Success : Downloaded ? FailedToResize : FailedToDownload;
}
