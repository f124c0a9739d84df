namespace Haul.Events;

/// <summary>
/// A record-keeper of one run (the journal, the archive): fed every event of the run, the
/// <see cref="RecordEvent"/>s included, synchronously and before the downloader's subscribers, so
/// that a lookup made after an event sees what it recorded.
/// </summary>
internal interface IRunObserver
{
    void Observe(DownloadEvent downloadEvent);
}
