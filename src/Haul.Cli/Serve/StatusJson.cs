using System.Globalization;
using System.Text.Json;
using Haul.Errors;
using Haul.Serving;

namespace Haul.Cli.Serve;

/// <summary>
/// Writes a download as aria2's <c>tellStatus</c> struct: every number a decimal string, the one
/// file under <c>files</c>, only the <c>keys</c> asked for when a filter is given. Haul adds
/// <c>errorKind</c> (its own error kind) to failed downloads; aria2 front-ends ignore it.
/// </summary>
internal static class StatusJson
{
    public static void Write(Utf8JsonWriter json, ServedSnapshot download, string root, HashSet<string>? keys)
    {
        bool Want(string key) => keys is null || keys.Count == 0 || keys.Contains(key);

        json.WriteStartObject();
        if (Want("gid"))
        {
            json.WriteString("gid", download.Gid);
        }

        if (Want("status"))
        {
            json.WriteString("status", Status(download.State));
        }

        Number(json, Want, "totalLength", download.TotalLength);
        Number(json, Want, "completedLength", download.CompletedLength);
        Number(json, Want, "uploadLength", 0);
        Number(json, Want, "downloadSpeed", download.Speed);
        Number(json, Want, "uploadSpeed", 0);
        Number(json, Want, "connections", download.State == ServedState.Active ? 1 : 0);
        Number(json, Want, "numPieces", download.TotalLength > 0 ? 1 : 0);
        Number(json, Want, "pieceLength", 1024 * 1024);
        if (Want("dir"))
        {
            json.WriteString("dir", Dir(download, root));
        }

        if (download.State is ServedState.Error or ServedState.Complete or ServedState.Removed)
        {
            if (Want("errorCode"))
            {
                json.WriteString("errorCode", download.State == ServedState.Removed ? "31" : download.ErrorCode.ToString(CultureInfo.InvariantCulture));
            }

            if (Want("errorMessage"))
            {
                json.WriteString("errorMessage", download.State == ServedState.Removed ? "Removed." : download.ErrorMessage ?? string.Empty);
            }

            if (download.ErrorKind is { } kind && Want("errorKind"))
            {
                json.WriteString("errorKind", kind.ToName());
            }
        }

        if (Want("files"))
        {
            json.WritePropertyName("files");
            WriteFiles(json, download, root);
        }

        json.WriteEndObject();
    }

    /// <summary>aria2's <c>getFiles</c>: the download's one file.</summary>
    public static void WriteFiles(Utf8JsonWriter json, ServedSnapshot download, string root)
    {
        json.WriteStartArray();
        json.WriteStartObject();
        json.WriteString("index", "1");
        json.WriteString("path", download.Path ?? PlannedPath(download, root));
        json.WriteString("length", Text(download.TotalLength));
        json.WriteString("completedLength", Text(download.CompletedLength));
        json.WriteString("selected", "true");
        json.WritePropertyName("uris");
        WriteUris(json, download);
        json.WriteEndObject();
        json.WriteEndArray();
    }

    /// <summary>aria2's <c>getUris</c>: the URL, "used" once a request went out for it.</summary>
    public static void WriteUris(Utf8JsonWriter json, ServedSnapshot download)
    {
        json.WriteStartArray();
        json.WriteStartObject();
        json.WriteString("status", download.State is ServedState.Waiting or ServedState.Paused && download.CompletedLength == 0 ? "waiting" : "used");
        json.WriteString("uri", download.Url);
        json.WriteEndObject();
        json.WriteEndArray();
    }

    public static string Status(ServedState state) => state switch
    {
        ServedState.Active => "active",
        ServedState.Waiting => "waiting",
        ServedState.Paused => "paused",
        ServedState.Error => "error",
        ServedState.Complete => "complete",
        _ => "removed",
    };

    public static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);

    public static string Dir(ServedSnapshot download, string root)
    {
        try
        {
            return download.Options.TryGetValue("dir", out var dir) && ServedOptions.Inside(download.Url, dir, root) is { } sub
                ? Path.Combine(root, sub)
                : root;
        }
        catch (HaulException)
        {
            // The folder became a link after the download was added: it fails when it runs.
            return root;
        }
    }

    /// <summary>The path aria2 shows before the file is named: <c>out</c> under <c>dir</c>, or nothing yet.</summary>
    private static string PlannedPath(ServedSnapshot download, string root) =>
        download.Options.TryGetValue("out", out var name) ? Path.Combine(Dir(download, root), name) : string.Empty;

    private static void Number(Utf8JsonWriter json, Func<string, bool> want, string key, long value)
    {
        if (want(key))
        {
            json.WriteString(key, Text(value));
        }
    }
}
