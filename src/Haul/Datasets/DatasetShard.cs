namespace Haul.Datasets;

/// <summary>One shard's worth of input rows, in input order.</summary>
/// <param name="Number">The shard's number (its file is <c>{Number:D5}.tar</c>).</param>
/// <param name="Samples">Its samples; the index of a sample in this list is its index in the shard.</param>
internal sealed record DatasetShard(long Number, IReadOnlyList<DatasetSample> Samples);
