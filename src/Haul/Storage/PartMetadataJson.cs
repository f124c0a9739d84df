using System.Text.Json.Serialization;

namespace Haul.Storage;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(PartMetadata))]
internal sealed partial class PartMetadataJson : JsonSerializerContext;
