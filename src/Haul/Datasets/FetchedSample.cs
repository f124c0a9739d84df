using Haul.Errors;

namespace Haul.Datasets;

/// <summary>One sample after its picture was asked for: the bytes as served, or why there are none.</summary>
/// <param name="Sample">The input row.</param>
/// <param name="Key">The sample's key in the output.</param>
/// <param name="Bytes">The body as downloaded; null when the download failed.</param>
/// <param name="Sha256">The SHA-256 of <paramref name="Bytes"/>, lower-case hex.</param>
/// <param name="Error">Why the download failed (its kind and one sentence); null when it succeeded.</param>
internal sealed record FetchedSample(DatasetSample Sample, string Key, byte[]? Bytes, string? Sha256, HaulException? Error);
