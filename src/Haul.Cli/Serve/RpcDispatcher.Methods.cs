using System.Text.Json;
using Haul.Serving;

namespace Haul.Cli.Serve;

internal sealed partial class RpcDispatcher
{
    /// <summary>The methods this daemon answers, as <c>system.listMethods</c> lists them.</summary>
    public static readonly string[] Methods =
    [
        "aria2.addUri", "aria2.remove", "aria2.forceRemove", "aria2.pause", "aria2.forcePause", "aria2.pauseAll",
        "aria2.forcePauseAll", "aria2.unpause", "aria2.unpauseAll", "aria2.tellStatus", "aria2.getUris", "aria2.getFiles",
        "aria2.getServers", "aria2.tellActive", "aria2.tellWaiting", "aria2.tellStopped", "aria2.changePosition",
        "aria2.getOption", "aria2.changeOption", "aria2.getGlobalOption", "aria2.changeGlobalOption", "aria2.getGlobalStat",
        "aria2.purgeDownloadResult", "aria2.removeDownloadResult", "aria2.getVersion", "aria2.getSessionInfo",
        "aria2.saveSession", "aria2.shutdown", "aria2.forceShutdown", "system.multicall", "system.listMethods",
        "system.listNotifications", "haul.addCrawl",
    ];

    public static readonly string[] Notifications =
    [
        "aria2.onDownloadStart", "aria2.onDownloadPause", "aria2.onDownloadStop", "aria2.onDownloadComplete", "aria2.onDownloadError",
    ];

    /// <summary>The version of aria2's RPC whose shapes this daemon answers with.</summary>
    public const string Aria2Version = "1.36.0";

    /// <summary>Set to start a crawl for <c>haul.addCrawl</c>; null: the method is refused.</summary>
    public Func<string, IReadOnlyDictionary<string, string>, string>? AddCrawl { get; set; }

    private void Dispatch(Utf8JsonWriter json, string method, RpcParams p)
    {
        switch (method)
        {
            case "aria2.addUri":
                json.WriteStringValue(AddUri(p));
                break;
            case "aria2.remove" or "aria2.forceRemove":
                json.WriteStringValue(Change(p.Gid(0), _table.Remove, "Active Download not found for GID#{0}"));
                break;
            case "aria2.pause" or "aria2.forcePause":
                json.WriteStringValue(Change(p.Gid(0), _table.Pause, "GID#{0} cannot be paused now"));
                break;
            case "aria2.unpause":
                json.WriteStringValue(Change(p.Gid(0), _table.Unpause, "GID#{0} cannot be unpaused now"));
                break;
            case "aria2.pauseAll" or "aria2.forcePauseAll":
                _table.PauseAll();
                json.WriteStringValue("OK");
                break;
            case "aria2.unpauseAll":
                _table.UnpauseAll();
                json.WriteStringValue("OK");
                break;
            case "aria2.tellStatus":
                StatusJson.Write(json, Find(p.Gid(0)), _table.Root, p.Keys(1));
                break;
            case "aria2.getUris":
                StatusJson.WriteUris(json, Find(p.Gid(0)));
                break;
            case "aria2.getFiles":
                StatusJson.WriteFiles(json, Find(p.Gid(0)), _table.Root);
                break;
            case "aria2.getServers":
                WriteServers(json, p.Gid(0));
                break;
            case "aria2.tellActive":
                WriteList(json, _table.Active(), p.Keys(0));
                break;
            case "aria2.tellWaiting":
                WriteList(json, _table.Waiting(p.Int(0), p.Int(1)), p.Keys(2));
                break;
            case "aria2.tellStopped":
                WriteList(json, _table.Stopped(p.Int(0), p.Int(1)), p.Keys(2));
                break;
            case "aria2.changePosition":
                json.WriteNumberValue(ChangePosition(p));
                break;
            case "aria2.getOption":
                WriteOptions(json, DownloadOptionsOf(Find(p.Gid(0))));
                break;
            case "aria2.changeOption":
                ChangeOption(p.Gid(0), p.Options(1));
                json.WriteStringValue("OK");
                break;
            case "aria2.getGlobalOption":
                WriteOptions(json, _global.Snapshot());
                break;
            case "aria2.changeGlobalOption":
                _global.Change(p.Options(0), _table);
                json.WriteStringValue("OK");
                break;
            case "aria2.getGlobalStat":
                WriteGlobalStat(json, _table.Totals());
                break;
            case "aria2.purgeDownloadResult":
                _table.PurgeStopped();
                json.WriteStringValue("OK");
                break;
            case "aria2.removeDownloadResult":
                Change(p.Gid(0), _table.RemoveResult, "Could not remove download result of GID#{0}");
                json.WriteStringValue("OK");
                break;
            case "aria2.getVersion":
                WriteVersion(json);
                break;
            case "aria2.getSessionInfo":
                json.WriteStartObject();
                json.WriteString("sessionId", _sessionId);
                json.WriteEndObject();
                break;
            case "aria2.saveSession":
                // The queue is written to the journal on every change: there is nothing left to save.
                json.WriteStringValue("OK");
                break;
            case "aria2.shutdown" or "aria2.forceShutdown":
                json.WriteStringValue("OK");
                t_shutdownAsked = true;
                break;
            case "system.multicall":
                Multicall(json, p);
                break;
            case "system.listMethods":
                WriteStrings(json, Methods);
                break;
            case "system.listNotifications":
                WriteStrings(json, Notifications);
                break;
            case "haul.addCrawl":
                json.WriteStringValue(StartCrawl(p));
                break;
            default:
                throw RpcFault.Failed($"No such method: {method}");
        }
    }

    private string AddUri(RpcParams p)
    {
        if (!p.Has(0) || p[0].ValueKind != JsonValueKind.Array)
        {
            throw p.Has(0) ? RpcParams.WrongType(0) : RpcParams.Missing(0);
        }

        var uris = p[0].EnumerateArray().Select(uri => uri.ValueKind == JsonValueKind.String ? uri.GetString()! : throw RpcParams.WrongType(0)).ToList();
        if (uris.Count == 0)
        {
            throw RpcFault.Failed("URI is not provided.");
        }

        var options = p.Options(1);
        int? position = p.Has(2) ? p.Int(2) : null;
        if (position < 0)
        {
            throw RpcFault.Failed("Position must be greater than or equal to 0.");
        }

        return _table.Add(uris[0], options, position);
    }

    private string StartCrawl(RpcParams p)
    {
        if (AddCrawl is null)
        {
            throw RpcFault.Failed("No such method: haul.addCrawl");
        }

        if (!p.Has(0) || p[0].ValueKind != JsonValueKind.Array)
        {
            throw p.Has(0) ? RpcParams.WrongType(0) : RpcParams.Missing(0);
        }

        var start = p[0].EnumerateArray().Select(uri => uri.ValueKind == JsonValueKind.String ? uri.GetString()! : throw RpcParams.WrongType(0)).FirstOrDefault()
            ?? throw RpcFault.Failed("URI is not provided.");
        return AddCrawl(start, p.Options(1));
    }

    private ServedSnapshot Find(string gid) => _table.Get(gid) ?? throw RpcFault.GidNotFound(gid);

    private static string Change(string gid, Func<string, ServedChange> change, string wrongState) => change(gid) switch
    {
        ServedChange.Done => gid,
        ServedChange.NotFound => throw RpcFault.GidNotFound(gid),
        _ => throw RpcFault.Failed(string.Format(System.Globalization.CultureInfo.InvariantCulture, wrongState, gid)),
    };

    private int ChangePosition(RpcParams p)
    {
        var gid = p.Gid(0);
        var pos = p.Int(1);
        var how = p.String(2);
        if (how is not ("POS_SET" or "POS_CUR" or "POS_END"))
        {
            throw RpcFault.Failed("Illegal argument.");
        }

        return _table.ChangePosition(gid, pos, how) ?? (_table.Get(gid) is null
            ? throw RpcFault.GidNotFound(gid)
            : throw RpcFault.Failed($"GID#{gid} not found in the waiting queue."));
    }

    private void ChangeOption(string gid, Dictionary<string, string> changes)
    {
        var result = _table.ChangeOptions(gid, changes);
        if (result == ServedChange.NotFound)
        {
            throw RpcFault.GidNotFound(gid);
        }

        if (result == ServedChange.WrongState)
        {
            throw RpcFault.Failed($"GID#{gid} has stopped: its options cannot change.");
        }
    }

    private SortedDictionary<string, string> DownloadOptionsOf(ServedSnapshot download)
    {
        var options = _global.Snapshot();
        foreach (var (name, value) in download.Options)
        {
            options[name] = value;
        }

        options["dir"] = StatusJson.Dir(download, _table.Root);
        return options;
    }

    private void WriteList(Utf8JsonWriter json, IReadOnlyList<ServedSnapshot> downloads, HashSet<string>? keys)
    {
        json.WriteStartArray();
        foreach (var download in downloads)
        {
            StatusJson.Write(json, download, _table.Root, keys);
        }

        json.WriteEndArray();
    }

    private void WriteServers(Utf8JsonWriter json, string gid)
    {
        var download = Find(gid);
        if (download.State != ServedState.Active)
        {
            throw RpcFault.Failed($"No active download for GID#{gid}");
        }

        json.WriteStartArray();
        json.WriteStartObject();
        json.WriteString("index", "1");
        json.WriteStartArray("servers");
        json.WriteStartObject();
        json.WriteString("uri", download.Url);
        json.WriteString("currentUri", download.Url);
        json.WriteString("downloadSpeed", StatusJson.Text(download.Speed));
        json.WriteEndObject();
        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndArray();
    }

    private static void WriteGlobalStat(Utf8JsonWriter json, ServedTotals totals)
    {
        json.WriteStartObject();
        json.WriteString("downloadSpeed", StatusJson.Text(totals.Speed));
        json.WriteString("numActive", StatusJson.Text(totals.Active));
        json.WriteString("numStopped", StatusJson.Text(totals.Stopped));
        json.WriteString("numStoppedTotal", StatusJson.Text(totals.StoppedTotal));
        json.WriteString("numWaiting", StatusJson.Text(totals.Waiting));
        json.WriteString("uploadSpeed", "0");
        json.WriteEndObject();
    }

    private static void WriteVersion(Utf8JsonWriter json)
    {
        json.WriteStartObject();
        json.WriteStartArray("enabledFeatures");
        json.WriteStringValue("HTTPS");
        json.WriteStringValue("Message Digest");
        json.WriteEndArray();
        json.WriteString("version", Aria2Version);
        json.WriteString("haulVersion", typeof(RpcDispatcher).Assembly.GetName().Version?.ToString(3) ?? "0.0.0");
        json.WriteEndObject();
    }

    private static void WriteOptions(Utf8JsonWriter json, SortedDictionary<string, string> options)
    {
        json.WriteStartObject();
        foreach (var (name, value) in options)
        {
            json.WriteString(name, value);
        }

        json.WriteEndObject();
    }

    private static void WriteStrings(Utf8JsonWriter json, IEnumerable<string> values)
    {
        json.WriteStartArray();
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }

    /// <summary>
    /// <c>system.multicall</c>: each entry is its own call, its token checked on its own; a success
    /// is written as a one-item array, a failure as an error object, as aria2 writes them.
    /// </summary>
    private void Multicall(Utf8JsonWriter json, RpcParams p)
    {
        if (!p.Has(0) || p[0].ValueKind != JsonValueKind.Array)
        {
            throw p.Has(0) ? RpcParams.WrongType(0) : RpcParams.Missing(0);
        }

        json.WriteStartArray();
        foreach (var entry in p[0].EnumerateArray())
        {
            try
            {
                if (entry.ValueKind != JsonValueKind.Object
                    || !entry.TryGetProperty("methodName", out var name) || name.ValueKind != JsonValueKind.String
                    || (entry.TryGetProperty("params", out var raw) && raw.ValueKind != JsonValueKind.Array))
                {
                    throw RpcFault.Failed("Missing methodName or params.");
                }

                var method = name.GetString()!;
                if (method == "system.multicall")
                {
                    throw RpcFault.Failed("Recursive system.multicall forbidden.");
                }

                var scratch = new System.Buffers.ArrayBufferWriter<byte>();
                using (var result = RpcJson.Writer(scratch))
                {
                    Call(result, method, entry.TryGetProperty("params", out var list) ? list.EnumerateArray().ToList() : []);
                }

                json.WriteStartArray();
                json.WriteRawValue(scratch.WrittenSpan, skipInputValidation: true);
                json.WriteEndArray();
            }
            catch (RpcFault fault)
            {
                WriteFault(json, fault);
            }
            catch (Errors.HaulException ex)
            {
                WriteFault(json, RpcFault.Failed(ex.Message));
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                WriteFault(json, RpcFault.Internal());
            }
        }

        json.WriteEndArray();
    }
}
