using Microsoft.Extensions.Logging;

namespace Haul.Events;

/// <summary>
/// Where the engine's stages raise <see cref="DownloadEvent"/>s, and the one place that hands them
/// to the reporters: the metrics, the optional <see cref="ILogger"/> and the downloader's
/// subscribers. Raising never throws into a transfer.
/// </summary>
/// <remarks>
/// A run raises through its own hub (<see cref="ForRun"/>): that one first hands every event to the
/// run's record-keepers (the journal, the archive), then passes all but the
/// <see cref="RecordEvent"/>s on to the downloader's hub. A record-keeper that throws is not
/// caught: losing the record is the transfer's failure, as a failed write to its file would be.
/// </remarks>
internal sealed class EventHub
{
    private readonly TimeProvider _timeProvider;
    private readonly EventLog? _log;
    private readonly IEventObserver? _metrics;
    private readonly EventHub? _downloader;
    private readonly IRunObserver[] _keepers = [];
    private long _nextId;
    private long _subscriberFailures;

    public EventHub(TimeProvider timeProvider, ILogger? logger, IEventObserver? metrics)
    {
        _timeProvider = timeProvider;
        _log = logger is null ? null : new EventLog(logger);
        _metrics = metrics;
    }

    private EventHub(EventHub downloader, IRunObserver[] keepers)
    {
        _timeProvider = downloader._timeProvider;
        _downloader = downloader;
        _keepers = keepers;
    }

    public event EventHandler<DownloadEvent>? Raised;

    /// <summary>Who subscribers see as the sender.</summary>
    public object? Sender { get; set; }

    /// <summary>Exceptions thrown by subscribers, caught so that no transfer ever sees them.</summary>
    public long SubscriberFailures => _downloader?.SubscriberFailures ?? Interlocked.Read(ref _subscriberFailures);

    /// <summary>Header lists cost allocations on every request: made only when someone reads them.</summary>
    public bool WantsHeaders => _downloader?.WantsHeaders ?? (Raised is not null || (_log?.WantsHeaders ?? false));

    public DateTimeOffset Now => _timeProvider.GetUtcNow();

    public long NextId() => _downloader?.NextId() ?? Interlocked.Increment(ref _nextId);

    /// <summary>The hub of one run: <paramref name="keepers"/> see each event first, in this order.</summary>
    public EventHub ForRun(params IRunObserver[] keepers) => new(_downloader ?? this, keepers);

    public void Raise(DownloadEvent downloadEvent)
    {
        if (_downloader is not null)
        {
            foreach (var keeper in _keepers)
            {
                keeper.Observe(downloadEvent);
            }

            if (downloadEvent is not RecordEvent)
            {
                _downloader.Raise(downloadEvent);
            }

            return;
        }

        if (downloadEvent is RecordEvent)
        {
            return;
        }

        _metrics?.Observe(downloadEvent);
        try
        {
            _log?.Write(downloadEvent);
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // A logger that throws is the host's problem; the transfer goes on.
            Interlocked.Increment(ref _subscriberFailures);
        }

        if (Raised is not { } handlers)
        {
            return;
        }

        // Each subscriber on its own: one that throws neither stops the others nor reaches the transfer.
        foreach (var handler in handlers.GetInvocationList())
        {
            try
            {
                ((EventHandler<DownloadEvent>)handler)(Sender, downloadEvent);
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                Interlocked.Increment(ref _subscriberFailures);
                _metrics?.SubscriberFailed();
                try
                {
                    _log?.SubscriberFailed(downloadEvent, ex);
                }
                catch (Exception logFailure) when (logFailure is not OutOfMemoryException)
                {
                    Interlocked.Increment(ref _subscriberFailures);
                }
            }
        }
    }
}
