using System.Runtime.CompilerServices;
using Haul.Actions;
using Haul.Journal;
using Haul.Progress;
using Haul.Storage;
using Haul.Transfer;

namespace Haul.Scheduling;

/// <summary>
/// One run of a <see cref="Downloader"/>: makes what the run records to (journal, archive) and
/// subscribes them to the run's events, wires the planner, transfers and actions together, and
/// closes it all, committing every queued journal write, when the run ends in any way.
/// </summary>
internal static class DownloadSession
{
    public static async IAsyncEnumerable<DownloadResult> RunAsync(
        HttpClient client,
        DownloadOptions options,
        ProgressTracker tracker,
        TimeProvider timeProvider,
        IAsyncEnumerable<DownloadRequest> requests,
        HostPacer? pacer = null,
        IHostGate? hostGate = null,
        Events.EventHub? events = null,
        DownloadControls? controls = null,
        Transfer.RateDial? rateDial = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var journal = options.UseJournal ? DownloadJournal.Open(options.Directory) : null;
        await using var archive = options.ArchivePath is { } archivePath ? new DownloadArchive(archivePath) : null;
        using var actions = new ActionPipeline(Actions(options, timeProvider), options.MaxConcurrentActions);

        // The records are reporters at the end of the flow: they observe the run's events, and the
        // stages only read them (through IDownloadRecords).
        List<Events.IRunObserver> keepers = [];
        if (journal is not null)
        {
            keepers.Add(new JournalRecorder(journal, options.Directory, timeProvider, tracker.JournalFailed));
        }

        if (archive is not null)
        {
            keepers.Add(new ArchiveRecorder(archive, timeProvider));
        }

        var runEvents = keepers.Count == 0 ? events : (events ?? new Events.EventHub(timeProvider, logger: null, metrics: null)).ForRun([.. keepers]);
        var records = journal is null && archive is null ? null : new DownloadRecords(journal, archive, options.Directory);
        var deduplicator = options.Dedupe && records is not null ? new ContentDeduplicator(records.PathsWithContent) : null;
        var names = new NameReservations();
        var transfer = new ResumableTransfer(client, options, new RetryPolicy(options), names, tracker, records, deduplicator, pacer, timeProvider, runEvents, rateDial);
        var planner = new DownloadPlanner(options, names, records, runEvents);
        var scheduler = new DownloadScheduler(options, planner, transfer, actions, pacer, tracker, timeProvider, hostGate, runEvents, controls);
        await foreach (var result in scheduler.RunAsync(requests, cancellationToken).ConfigureAwait(false))
        {
            yield return result;
        }
    }

    private static List<IPostDownloadAction> Actions(DownloadOptions options, TimeProvider timeProvider)
    {
        var actions = new List<IPostDownloadAction>();
        if (options.Extract is { } extract)
        {
            actions.Add(new ExtractAction(extract));
        }

        if (options.OnComplete is { } command)
        {
            actions.Add(new HookAction(command, timeProvider));
        }

        return actions;
    }
}
