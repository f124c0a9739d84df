using System.Text.Json;
using Haul.Journal;

namespace Haul.Cli.Output;

/// <summary>The Note column of <c>haul list</c>: why a request failed, or what became of a saved file.</summary>
internal static class JournalNote
{
    public static string For(string directory, JournalEntry entry) => entry.State switch
    {
        JournalState.Failed => entry.ErrorKind is { } kind ? $"{kind}: {entry.Error}" : entry.Error ?? string.Empty,
        JournalState.Done => string.Join("; ", new[] { JournalFileCheck.Problem(directory, entry), Actions(entry.Actions) }.OfType<string>()),
        _ => string.Empty,
    };

    /// <summary>One short outcome per action, such as <c>extract ok; on-complete failed (exit 1)</c>.</summary>
    public static string? Actions(string? actionsJson)
    {
        if (actionsJson is null)
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(actionsJson);
            if (document.RootElement.ValueKind != JsonValueKind.Array)
            {
                return "actions unreadable";
            }

            var outcomes = document.RootElement.EnumerateArray().Select(Outcome).ToList();
            return outcomes.Count == 0 ? null : string.Join("; ", outcomes);
        }
        catch (JsonException)
        {
            return "actions unreadable";
        }
    }

    private static string Outcome(JsonElement action)
    {
        if (action.ValueKind != JsonValueKind.Object)
        {
            return "action unreadable";
        }

        var name = String(action, "action") ?? "action";
        if (action.TryGetProperty("succeeded", out var succeeded) && succeeded.ValueKind == JsonValueKind.True)
        {
            return $"{name} ok";
        }

        if (action.TryGetProperty("exit_code", out var exitCode) && exitCode.ValueKind == JsonValueKind.Number)
        {
            return $"{name} failed (exit {exitCode.GetRawText()})";
        }

        return String(action, "kind") is { } kind ? $"{name} failed ({kind})" : $"{name} failed";
    }

    private static string? String(JsonElement element, string name) =>
        element.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;
}
