using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using Haul.Errors;
using Haul.Events;

namespace Haul.Metrics;

/// <summary>
/// The <c>Haul</c> meter of one <see cref="Downloader"/>, fed by its events (and by the byte
/// counter of the hot path). Names follow the OpenTelemetry conventions: dotted lower case, units
/// in UCUM (<c>By</c>, <c>s</c>), a failure's kind in the <c>error.type</c> tag.
/// </summary>
internal sealed class HaulMetrics : IDisposable, IEventObserver
{
    public const string MeterName = "Haul";

    private readonly Counter<long> _started;
    private readonly Counter<long> _finished;
    private readonly Counter<long> _failed;
    private readonly Counter<long> _skipped;
    private readonly Counter<long> _bytes;
    private readonly Counter<long> _retries;
    private readonly Counter<long> _subscriberErrors;
    private readonly UpDownCounter<long> _active;
    private readonly UpDownCounter<long> _queued;
    private readonly Histogram<double> _timeToFirstByte;

    private const int Waiting = 0;
    private const int InFlight = 1;
    private const int Paused = 2;

    // Downloads admitted and not ended, each waiting for its first request, in flight, or paused.
    private readonly ConcurrentDictionary<long, int> _open = new();

    public HaulMetrics()
    {
        Meter = new Meter(MeterName, typeof(HaulMetrics).Assembly.GetName().Version?.ToString(3));
        _started = Meter.CreateCounter<long>("haul.downloads.started", "{download}", "Downloads that sent their first request.");
        _finished = Meter.CreateCounter<long>("haul.downloads.finished", "{download}", "Downloads saved.");
        _failed = Meter.CreateCounter<long>("haul.downloads.failed", "{download}", "Downloads that failed, by error.type (the error kind).");
        _skipped = Meter.CreateCounter<long>("haul.downloads.skipped", "{download}", "Downloads found complete, nothing fetched.");
        _bytes = Meter.CreateCounter<long>("haul.http.client.bytes_received", "By", "Body bytes received from the network.");
        _retries = Meter.CreateCounter<long>("haul.downloads.retries", "{retry}", "Attempts that failed with a transient fault and are tried again, by error.type.");
        _subscriberErrors = Meter.CreateCounter<long>("haul.events.subscriber_errors", "{error}", "Exceptions thrown by event subscribers, caught.");
        _active = Meter.CreateUpDownCounter<long>("haul.transfers.active", "{transfer}", "Downloads in flight: started, not paused, not ended.");
        _queued = Meter.CreateUpDownCounter<long>("haul.queue.length", "{download}", "Downloads admitted that have not sent a request yet.");
        _timeToFirstByte = Meter.CreateHistogram<double>("haul.download.time_to_first_byte", "s", "From sending a request to its reply's headers.");
    }

    public Meter Meter { get; }

    public void BytesReceived(long count) => _bytes.Add(count);

    public void SubscriberFailed() => _subscriberErrors.Add(1);

    public void Observe(DownloadEvent downloadEvent)
    {
        switch (downloadEvent)
        {
            case DownloadQueued queued:
                _open[queued.Id] = Waiting;
                _queued.Add(1);
                break;
            case DownloadRequestSent sent when _open.TryUpdate(sent.Id, InFlight, Waiting):
                _queued.Add(-1);
                _started.Add(1);
                _active.Add(1);
                break;
            case DownloadRequestSent sent when _open.TryUpdate(sent.Id, InFlight, Paused):
                _active.Add(1);
                break;
            case DownloadPaused paused when _open.TryUpdate(paused.Id, Paused, InFlight):
                _active.Add(-1);
                break;
            case DownloadResponseReceived received:
                _timeToFirstByte.Record(received.TimeToFirstByte.TotalSeconds);
                break;
            case DownloadRetrying retrying:
                _retries.Add(1, new KeyValuePair<string, object?>("error.type", retrying.Kind.ToName()));
                break;
            case DownloadFinished finished:
                Ended(finished.Id);
                (finished.Result.Status == DownloadStatus.Skipped ? _skipped : _finished).Add(1);
                break;
            case DownloadFailed failed:
                Ended(failed.Id);
                _failed.Add(1, new KeyValuePair<string, object?>("error.type", failed.Error.Kind.ToName()));
                break;
        }
    }

    public void Dispose() => Meter.Dispose();

    private void Ended(long id)
    {
        if (_open.TryRemove(id, out var state) && state != Paused)
        {
            (state == InFlight ? _active : _queued).Add(-1);
        }
    }
}
