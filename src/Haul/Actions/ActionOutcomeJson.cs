using System.Text;
using System.Text.Json;
using Haul.Errors;

namespace Haul.Actions;

/// <summary>The JSON form of action outcomes, shared by result lines and the journal.</summary>
public static class ActionOutcomeJson
{
    /// <summary>Writes <paramref name="outcomes"/> as an array: action, succeeded, message, and kind / exit_code when set.</summary>
    public static void Write(Utf8JsonWriter json, IEnumerable<ActionOutcome> outcomes)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(outcomes);
        json.WriteStartArray();
        foreach (var outcome in outcomes)
        {
            json.WriteStartObject();
            json.WriteString("action", outcome.Action);
            json.WriteBoolean("succeeded", outcome.Succeeded);
            json.WriteString("message", outcome.Message);
            if (outcome.Kind is { } kind)
            {
                json.WriteString("kind", kind.ToName());
            }

            if (outcome.ExitCode is { } exitCode)
            {
                json.WriteNumber("exit_code", exitCode);
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>The array as a string, for the journal.</summary>
    public static string ToJson(IEnumerable<ActionOutcome> outcomes)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, outcomes);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }
}
