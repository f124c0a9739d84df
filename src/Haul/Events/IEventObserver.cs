namespace Haul.Events;

/// <summary>
/// A reporter the hub feeds before anyone else, and tells when a subscriber threw (the run's
/// metrics). An interface here, so that events know nothing of who counts them.
/// </summary>
internal interface IEventObserver
{
    void Observe(DownloadEvent downloadEvent);

    void SubscriberFailed();
}
