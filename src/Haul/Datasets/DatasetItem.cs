using System.Text.Json;

namespace Haul.Datasets;

/// <summary>One sample of a finished data set, as a training loop takes it.</summary>
/// <param name="Key">The sample's key (<c>000420017</c>): its shard, then its index in the shard.</param>
/// <param name="Image">The picture as written in the shard, still encoded.</param>
/// <param name="Extension">The picture's format as its file names it: <c>jpg</c>, <c>png</c> or <c>webp</c>.</param>
/// <param name="Caption">The caption, when the sample has one.</param>
/// <param name="Metadata">
/// The sample's <c>{key}.json</c>: url, caption, key, status, error_message, width, height,
/// original_width, original_height, sha256 and the extra columns; <see cref="JsonValueKind.Undefined"/> when the shard has none for it.
/// </param>
public sealed record DatasetItem(string Key, byte[] Image, string Extension, string? Caption, JsonElement Metadata);
