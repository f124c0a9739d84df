using System.Text.Json;

namespace Haul.Cli.Serve;

/// <summary>The positional parameters of one call (the token already taken off), read as aria2 reads them.</summary>
internal sealed class RpcParams(IReadOnlyList<JsonElement> items)
{
    public int Count => items.Count;

    public bool Has(int index) => index < items.Count;

    public JsonElement this[int index] => items[index];

    public string String(int index) =>
        !Has(index) ? throw Missing(index)
        : items[index].ValueKind == JsonValueKind.String ? items[index].GetString()!
        : throw WrongType(index);

    public string Gid(int index)
    {
        var gid = String(index);
        return gid.Length == 16 && gid.All(char.IsAsciiHexDigitLower) ? gid
            : gid.Length == 16 && gid.All(char.IsAsciiHexDigit) ? gid.ToLowerInvariant()
            : throw RpcFault.Failed($"Invalid GID {gid}");
    }

    public int Int(int index) =>
        !Has(index) ? throw Missing(index)
        : items[index].ValueKind == JsonValueKind.Number && items[index].TryGetInt32(out var value) ? value
        : throw WrongType(index);

    /// <summary>An object of string values (aria2's options); arrays of strings (<c>header</c>) are joined by new lines.</summary>
    public Dictionary<string, string> Options(int index)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        if (!Has(index))
        {
            return options;
        }

        if (items[index].ValueKind != JsonValueKind.Object)
        {
            throw WrongType(index);
        }

        foreach (var property in items[index].EnumerateObject())
        {
            options[property.Name] = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString()!,
                JsonValueKind.Array => string.Join('\n', property.Value.EnumerateArray().Select(item =>
                    item.ValueKind == JsonValueKind.String ? item.GetString()! : throw WrongType(index))),
                JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => property.Value.GetRawText(),
                _ => throw WrongType(index),
            };
        }

        return options;
    }

    /// <summary>The optional <c>keys</c> filter of the tell methods: null when absent (every key).</summary>
    public HashSet<string>? Keys(int index)
    {
        if (!Has(index))
        {
            return null;
        }

        if (items[index].ValueKind != JsonValueKind.Array)
        {
            throw WrongType(index);
        }

        return [.. items[index].EnumerateArray().Select(item => item.ValueKind == JsonValueKind.String ? item.GetString()! : throw WrongType(index))];
    }

    public static RpcFault Missing(int index) => RpcFault.Failed($"The parameter at {index} is required but missing.");

    public static RpcFault WrongType(int index) => RpcFault.Failed($"The parameter at {index} has wrong type.");
}
