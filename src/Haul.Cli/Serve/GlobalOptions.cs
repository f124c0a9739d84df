using System.Globalization;
using Haul.Serving;

namespace Haul.Cli.Serve;

/// <summary>
/// The daemon's options in aria2's names, as <c>getGlobalOption</c> shows them. Changing
/// <c>max-concurrent-downloads</c> or <c>max-overall-download-limit</c> takes effect at once;
/// other known names are checked and recorded.
/// </summary>
internal sealed class GlobalOptions
{
    private readonly Lock _gate = new();
    private readonly SortedDictionary<string, string> _values = new(StringComparer.Ordinal);

    public GlobalOptions(DownloadOptions engine, ServeSettings serve, int maxConcurrentDownloads, int maxDownloadResult = DownloadTable.DefaultMaxDownloadResult)
    {
        static string Text(long value) => value.ToString(CultureInfo.InvariantCulture);
        _values["dir"] = Path.GetFullPath(engine.Directory);
        _values["max-concurrent-downloads"] = Text(maxConcurrentDownloads);
        _values["max-download-result"] = Text(maxDownloadResult);
        _values["max-overall-download-limit"] = Text(engine.RateLimit ?? 0);
        _values["max-download-limit"] = Text(engine.PerFileRateLimit ?? 0);
        _values["split"] = Text(engine.Connections);
        _values["max-connection-per-server"] = Text(engine.Connections);
        _values["min-split-size"] = Text(engine.MinSplitSize);
        _values["user-agent"] = engine.UserAgent;
        _values["max-tries"] = Text(engine.Retries + 1);
        _values["retry-wait"] = Text((long)engine.RetryBaseDelay.TotalSeconds);
        _values["timeout"] = Text((long)engine.IdleTimeout.TotalSeconds);
        _values["connect-timeout"] = Text((long)engine.ConnectTimeout.TotalSeconds);
        _values["max-redirect"] = Text(engine.MaxRedirects);
        _values["allow-overwrite"] = engine.AllowOverwrite ? "true" : "false";
        _values["auto-file-renaming"] = "true";
        _values["continue"] = "true";
        _values["all-proxy"] = string.Empty;
        _values["enable-rpc"] = "true";
        _values["rpc-listen-port"] = Text(serve.Port);
        _values["rpc-listen-all"] = serve.ListenAll ? "true" : "false";
        _values["rpc-allow-origin-all"] = serve.AllowOriginAll ? "true" : "false";
        _values["rpc-max-request-size"] = Text(serve.MaxRequestSize);
        _values["rpc-secure"] = "false";
    }

    public SortedDictionary<string, string> Snapshot()
    {
        lock (_gate)
        {
            return new SortedDictionary<string, string>(_values, StringComparer.Ordinal);
        }
    }

    /// <summary>aria2's <c>changeGlobalOption</c>: every value checked first, then applied; unknown names are ignored, as aria2 ignores them.</summary>
    public void Change(IReadOnlyDictionary<string, string> changes, DownloadTable table)
    {
        int? maxConcurrent = null;
        int? maxResults = null;
        long? overall = null;
        foreach (var (name, value) in changes)
        {
            switch (name)
            {
                case "max-concurrent-downloads":
                    maxConcurrent = ServedOptions.Whole(string.Empty, name, value, 1, 10_000);
                    break;
                case "max-overall-download-limit":
                    overall = ServedOptions.Size(string.Empty, name, value);
                    break;
                case "max-download-result":
                    maxResults = ServedOptions.Whole(string.Empty, name, value, 0, 1_000_000);
                    break;
                default:
                    ServedOptions.Check(string.Empty, name, value);
                    break;
            }
        }

        if (maxConcurrent is { } max)
        {
            table.SetMaxConcurrent(max);
        }

        if (maxResults is { } kept)
        {
            table.SetMaxDownloadResult(kept);
        }

        if (overall is { } limit)
        {
            table.SetOverallLimit(limit);
        }

        lock (_gate)
        {
            foreach (var (name, value) in changes)
            {
                if (_values.ContainsKey(name) && !name.StartsWith("rpc-", StringComparison.Ordinal) && name is not ("dir" or "enable-rpc"))
                {
                    _values[name] = name switch
                    {
                        "max-concurrent-downloads" => maxConcurrent!.Value.ToString(CultureInfo.InvariantCulture),
                        "max-overall-download-limit" => overall!.Value.ToString(CultureInfo.InvariantCulture),
                        "max-download-result" => maxResults!.Value.ToString(CultureInfo.InvariantCulture),
                        _ => value,
                    };
                }
            }
        }
    }
}
