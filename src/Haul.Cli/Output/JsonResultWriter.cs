using System.Text.Json;
using Haul.Errors;

namespace Haul.Cli.Output;

/// <summary>Writes one JSON object per result, one per line, in the contract's field names.</summary>
internal sealed class JsonResultWriter(TextWriter output)
{
    private readonly MemoryStream _buffer = new();

    public async Task WriteAsync(DownloadResult result)
    {
        _buffer.SetLength(0);
        using (var json = new Utf8JsonWriter(_buffer))
        {
            json.WriteStartObject();
            json.WriteString("url", result.Url);
            json.WriteString("status", result.Status switch
            {
                DownloadStatus.Ok => "ok",
                DownloadStatus.Skipped => "skipped",
                _ => "failed",
            });
            WriteOptional(json, "path", result.Path);
            json.WriteNumber("bytes", result.Bytes);
            WriteOptional(json, "sha256", result.Sha256);
            json.WriteNumber("attempts", result.Attempts);
            json.WriteNumber("elapsed_ms", (long)result.Elapsed.TotalMilliseconds);
            WriteOptional(json, "note", result.Note);
            WriteOptional(json, "page", result.Request.Page);
            WriteOptional(json, "alt", result.Request.Alt);
            WriteOptional(json, "title", result.Request.Title);
            if (result.Actions.Count > 0)
            {
                json.WritePropertyName("actions");
                Actions.ActionOutcomeJson.Write(json, result.Actions);
            }

            if (result.Error is { } error)
            {
                json.WriteStartObject("error");
                json.WriteString("kind", error.Kind.ToName());
                if (error is HttpStatusException http)
                {
                    json.WriteNumber("status", http.StatusCode);
                }

                json.WriteString("message", error.Message);
                json.WriteEndObject();
            }

            json.WriteEndObject();
        }

        await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(_buffer.GetBuffer(), 0, (int)_buffer.Length));
        await output.FlushAsync();
    }

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
