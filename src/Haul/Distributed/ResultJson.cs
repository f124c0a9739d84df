using System.Text;
using System.Text.Json;
using Haul.Errors;

namespace Haul.Distributed;

/// <summary>
/// A result as one JSON object in the contract's field names: the <c>--json</c> line, and the
/// entry of a job's results stream (which also names the worker).
/// </summary>
internal static class ResultJson
{
    public static void Write(Utf8JsonWriter json, DownloadResult result, string? worker = null)
    {
        json.WriteStartObject();

        // A crawl page that could not be fetched is a result too; it is never a file on disk.
        json.WriteString("type", result.Kind == ResultKind.Page ? "page" : "file");
        json.WriteString("url", Http.UrlMask.Mask(result.Url));
        json.WriteString("status", StatusName(result.Status));
        WriteOptional(json, "path", result.Path);
        json.WriteNumber("bytes", result.Bytes);
        WriteOptional(json, "sha256", result.Sha256);
        json.WriteNumber("attempts", result.Attempts);
        json.WriteNumber("elapsed_ms", (long)result.Elapsed.TotalMilliseconds);
        WriteOptional(json, "note", result.Note);
        WriteOptional(json, "page", result.Request.Page);
        WriteOptional(json, "alt", result.Request.Alt);
        WriteOptional(json, "title", result.Request.Title);
        WriteOptional(json, "worker", worker);
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

    public static string ToJson(DownloadResult result, string? worker = null)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            Write(json, result, worker);
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    public static string StatusName(DownloadStatus status) => status switch
    {
        DownloadStatus.Ok => "ok",
        DownloadStatus.Skipped => "skipped",
        _ => "failed",
    };

    private static void WriteOptional(Utf8JsonWriter json, string name, string? value)
    {
        if (value is not null)
        {
            json.WriteString(name, value);
        }
    }
}
