using System.Security.Cryptography;
using System.Threading.Channels;

namespace Haul.Serving;

/// <summary>
/// The daemon's downloads over one long run of one <see cref="Downloader"/>: each has a gid and
/// an aria2 state, waits in an ordered queue until one of <see cref="MaxConcurrent"/> slots is
/// free, and can be paused, resumed, moved or removed while the run goes on. The queue is kept in
/// the journal on every change, so a restarted daemon picks it up with the same gids.
/// </summary>
/// <remarks>
/// The table decides what runs; the engine runs what it is fed. A paused download that the engine
/// had stays there paused (its name reserved, its <c>.part</c> kept) and is resumed in place;
/// one the engine never saw is only a row here. Engine calls are made outside the table's lock,
/// since they raise events that take it.
/// </remarks>
internal sealed partial class DownloadTable : IDisposable
{
    private readonly Lock _gate = new();
    private readonly Downloader _downloader;
    private readonly ServedQueueStore? _store;
    private readonly TimeProvider _time;
    private readonly string _root;
    private readonly Dictionary<string, ServedDownload> _byGid = new(StringComparer.Ordinal);
    private readonly Dictionary<long, ServedDownload> _byEngineId = [];
    private readonly List<ServedDownload> _active = [];
    private readonly List<ServedDownload> _queue = [];
    private readonly List<ServedDownload> _stopped = [];
    private readonly Channel<ServedDownload> _feed = Channel.CreateUnbounded<ServedDownload>(new UnboundedChannelOptions { SingleReader = true });
    private long _nextStopPosition;
    private long _stoppedTotal;
    private bool _stopping;

    public DownloadTable(Downloader downloader, ServedQueueStore? store, int maxConcurrent, TimeProvider? timeProvider = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        _downloader = downloader;
        _store = store;
        _time = timeProvider ?? TimeProvider.System;
        _root = Path.GetFullPath(downloader.Options.Directory);
        MaxConcurrent = maxConcurrent;
        _downloader.EventRaised += OnEngineEvent;
        Restore();
    }

    /// <summary>aria2's notification name and the gid, raised outside the lock after each change.</summary>
    public event Action<string, string>? Notified;

    /// <summary>aria2's default for <c>max-download-result</c>.</summary>
    public const int DefaultMaxDownloadResult = 1000;

    /// <summary>Stopped downloads kept (aria2's <c>max-download-result</c>); the oldest past it are forgotten.</summary>
    public int MaxDownloadResult { get; private set; } = DefaultMaxDownloadResult;

    /// <summary>Downloads that run at once (aria2's <c>max-concurrent-downloads</c>).</summary>
    public int MaxConcurrent { get; private set; }

    /// <summary>The daemon's output directory, full path.</summary>
    public string Root => _root;

    /// <summary>
    /// Adds a download for <paramref name="url"/> (checked options, aria2 names) and returns its gid.
    /// It waits at <paramref name="position"/> of the queue (the end when null), paused when
    /// <c>pause=true</c>.
    /// </summary>
    /// <exception cref="Errors.InvalidUrlException">The URL or an option cannot be used.</exception>
    public string Add(string url, IReadOnlyDictionary<string, string> options, int? position = null)
    {
        var kept = options.Where(pair => ServedOptions.Known.Contains(pair.Key)).ToDictionary(StringComparer.Ordinal);
        var request = ServedOptions.ToRequest(url, kept, _root);
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            throw Errors.HaulErrors.InvalidUrl(url, null, $"'{Http.UrlMask.Mask(url)}' is not an http(s) URL");
        }

        string gid;
        lock (_gate)
        {
            gid = NewGid();
            var download = new ServedDownload(gid, url, kept, request)
            {
                State = kept.TryGetValue("pause", out var pause) && pause == "true" ? ServedState.Paused : ServedState.Waiting,
            };
            _byGid[gid] = download;
            var at = position is { } p ? Math.Clamp(p, 0, _queue.Count) : _queue.Count;
            _queue.Insert(at, download);
            if (at == _queue.Count - 1)
            {
                Save(download);
            }
            else
            {
                SaveQueue();
            }
        }

        Pump();
        return gid;
    }

    /// <summary>
    /// A download that ran elsewhere (a crawl's picture) joins the stopped list with a gid of its
    /// own, complete or failed, and its notification is raised.
    /// </summary>
    public string AddFinished(DownloadResult result)
    {
        var notes = new List<(string Method, string Gid)>();
        string gid;
        lock (_gate)
        {
            gid = NewGid();
            var download = new ServedDownload(gid, result.Url, new Dictionary<string, string>(StringComparer.Ordinal), result.Request)
            {
                Path = result.Path,
                TotalLength = result.Bytes,
                CompletedLength = result.Bytes,
            };
            _byGid[gid] = download;
            if (result.Error is { } error)
            {
                download.ErrorKind = error.Kind;
                download.ErrorCode = Aria2ErrorCodes.For(error);
                download.ErrorMessage = error.Message;
            }

            Stop(download, result.Error is null ? ServedState.Complete : ServedState.Error, notes);
        }

        Notify(notes);
        return gid;
    }

    /// <summary>The download with <paramref name="gid"/>, null when there is none.</summary>
    public ServedSnapshot? Get(string gid)
    {
        RefreshProgress();
        lock (_gate)
        {
            return _byGid.TryGetValue(gid, out var download) ? download.Snapshot() : null;
        }
    }

    public IReadOnlyList<ServedSnapshot> Active()
    {
        RefreshProgress();
        lock (_gate)
        {
            return [.. _active.Select(download => download.Snapshot())];
        }
    }

    /// <summary>Waiting and paused downloads, in queue order, as aria2's <c>tellWaiting</c> pages them.</summary>
    public IReadOnlyList<ServedSnapshot> Waiting(int offset, int count)
    {
        lock (_gate)
        {
            return Page(_queue, offset, count);
        }
    }

    /// <summary>Finished, failed and removed downloads, oldest first, as <c>tellStopped</c> pages them.</summary>
    public IReadOnlyList<ServedSnapshot> Stopped(int offset, int count)
    {
        lock (_gate)
        {
            return Page(_stopped, offset, count);
        }
    }

    public ServedTotals Totals()
    {
        RefreshProgress();
        lock (_gate)
        {
            return new ServedTotals(_active.Sum(download => download.Speed), _active.Count, _queue.Count, _stopped.Count, _stoppedTotal);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _stopping = true;
        }

        _downloader.EventRaised -= OnEngineEvent;
        _feed.Writer.TryComplete();
    }

    /// <summary>
    /// aria2's paging: from <paramref name="offset"/> forwards, or, when it is negative, backwards
    /// from the end (-1 is the last) with the items in reverse order.
    /// </summary>
    private static List<ServedSnapshot> Page(List<ServedDownload> list, int offset, int count)
    {
        if (count <= 0)
        {
            return [];
        }

        if (offset >= 0)
        {
            return [.. list.Skip(offset).Take(count).Select(download => download.Snapshot())];
        }

        var start = list.Count + offset;
        var page = new List<ServedSnapshot>();
        for (var i = start; i >= 0 && page.Count < count; i--)
        {
            if (i < list.Count)
            {
                page.Add(list[i].Snapshot());
            }
        }

        return page;
    }

    private string NewGid()
    {
        Span<byte> bytes = stackalloc byte[8];
        while (true)
        {
            RandomNumberGenerator.Fill(bytes);
            var gid = Convert.ToHexStringLower(bytes);
            if (!_byGid.ContainsKey(gid))
            {
                return gid;
            }
        }
    }

    private void Restore()
    {
        if (_store is null)
        {
            return;
        }

        foreach (var row in _store.Load())
        {
            DownloadRequest request;
            try
            {
                request = ServedOptions.ToRequest(row.Url, row.Options, _root);
            }
            catch (Errors.HaulException)
            {
                // A folder turned into a link since: the download fails when it runs instead.
                request = new DownloadRequest(row.Url) { InputError = "its dir= is no longer usable" };
            }

            var download = new ServedDownload(row.Gid, row.Url, row.Options, request)
            {
                State = row.State == ServedState.Active ? ServedState.Waiting : row.State,
                Path = row.Path,
                TotalLength = row.TotalLength,
                CompletedLength = row.CompletedLength,
                ErrorKind = row.ErrorKind,
                ErrorCode = row.ErrorCode,
                ErrorMessage = row.ErrorMessage,
            };
            _byGid[download.Gid] = download;
            if (download.IsStopped)
            {
                _stopped.Add(download);
                _stoppedTotal++;
                _nextStopPosition++;
            }
            else
            {
                _queue.Add(download);
            }
        }
    }
}

/// <summary>aria2's <c>getGlobalStat</c>: overall speed and the size of each list.</summary>
internal sealed record ServedTotals(long Speed, int Active, int Waiting, int Stopped, long StoppedTotal);
