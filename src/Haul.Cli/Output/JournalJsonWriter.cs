using System.Text;
using System.Text.Json;
using Haul.Journal;

namespace Haul.Cli.Output;

/// <summary>Writes <c>haul list --json</c>: one JSON object per journal entry, one per line.</summary>
internal static class JournalJsonWriter
{
    public static async Task WriteAllAsync(TextWriter output, string directory, IAsyncEnumerable<JournalEntry> entries)
    {
        using var buffer = new MemoryStream();
        await foreach (var entry in entries)
        {
            buffer.SetLength(0);
            using (var json = new Utf8JsonWriter(buffer))
            {
                Write(json, directory, entry);
            }

            await output.WriteLineAsync(Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        }

        await output.FlushAsync();
    }

    private static void Write(Utf8JsonWriter json, string directory, JournalEntry entry)
    {
        json.WriteStartObject();
        json.WriteString("url", entry.Url);
        json.WriteString("path", entry.Path);
        var partBytes = JournalFileCheck.PartBytes(directory, entry);
        json.WriteString("state", DownloadJournal.StateName(JournalFileCheck.Reached(entry, partBytes)));
        if (entry.Size is { } size)
        {
            json.WriteNumber("size", size);
        }

        if (partBytes is { } bytes)
        {
            json.WriteNumber("part_bytes", bytes);
        }

        if (entry.Sha256 is { } sha256)
        {
            json.WriteString("sha256", sha256);
        }

        json.WriteNumber("attempts", entry.Attempts);
        json.WriteString("updated_at", entry.UpdatedAt.ToUniversalTime());
        json.WriteBoolean("on_disk", JournalFileCheck.IsOnDisk(directory, entry));
        if (entry.State == JournalState.Failed)
        {
            json.WriteStartObject("error");
            if (entry.ErrorKind is { } kind)
            {
                json.WriteString("kind", kind);
            }

            json.WriteString("message", entry.Error ?? string.Empty);
            json.WriteEndObject();
        }

        WriteActions(json, entry.Actions);
        json.WriteEndObject();
    }

    /// <summary>The journal keeps actions as JSON text; they are emitted as JSON, and dropped if unreadable.</summary>
    private static void WriteActions(Utf8JsonWriter json, string? actions)
    {
        if (actions is null)
        {
            return;
        }

        try
        {
            using var document = JsonDocument.Parse(actions);
            json.WritePropertyName("actions");
            document.RootElement.WriteTo(json);
        }
        catch (JsonException)
        {
        }
    }
}
