using System.Text.Json.Serialization;

namespace Haul.Distributed;

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals)]
[JsonSerializable(typeof(QueueEntry))]
[JsonSerializable(typeof(CrawlSettings))]
internal sealed partial class DistributedJson : JsonSerializerContext;
