using Microsoft.Extensions.Logging;

namespace Haul.Events;

/// <summary>
/// Where the engine's stages raise <see cref="DownloadEvent"/>s, and the one place that hands them
/// to the reporters: the metrics, the optional <see cref="ILogger"/> and the downloader's
/// subscribers. Raising never throws into a transfer.
/// </summary>
internal sealed class EventHub(TimeProvider timeProvider, ILogger? logger, IEventObserver metrics)
{
    private readonly EventLog? _log = logger is null ? null : new EventLog(logger);
    private long _nextId;
    private long _subscriberFailures;

    public event EventHandler<DownloadEvent>? Raised;

    /// <summary>Who subscribers see as the sender.</summary>
    public object? Sender { get; set; }

    /// <summary>Exceptions thrown by subscribers, caught so that no transfer ever sees them.</summary>
    public long SubscriberFailures => Interlocked.Read(ref _subscriberFailures);

    /// <summary>Header lists cost allocations on every request: made only when someone reads them.</summary>
    public bool WantsHeaders => Raised is not null || (_log?.WantsHeaders ?? false);

    public DateTimeOffset Now => timeProvider.GetUtcNow();

    public long NextId() => Interlocked.Increment(ref _nextId);

    public void Raise(DownloadEvent downloadEvent)
    {
        metrics.Observe(downloadEvent);
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
                metrics.SubscriberFailed();
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
