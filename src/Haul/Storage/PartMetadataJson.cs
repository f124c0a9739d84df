using System.Text.Json.Serialization;

namespace Haul.Storage;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(PartMetadata))]
internal sealed partial class PartMetadataJson : JsonSerializerContext;
