using System.Runtime.CompilerServices;
using Haul.Actions;
using Haul.Journal;
using Haul.Progress;
using Haul.Storage;
using Haul.Transfer;

namespace Haul.Scheduling;

/// <summary>
/// One run of a <see cref="Downloader"/>: opens what the run writes to (journal, archive), wires
/// the planner, transfers and actions together, and closes it all, committing every queued
/// journal write, when the run ends in any way.
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
        var recorder = journal is null ? null : new JournalRecorder(journal, options.Directory, timeProvider, tracker.JournalFailed);
        var deduplicator = options.Dedupe
            ? new ContentDeduplicator(sha256 => (journal?.FindBySha256(sha256).Select(entry => Path.Combine(options.Directory, entry.Path)) ?? [])
                .Concat(archive?.FindBySha256(sha256).Select(entry => entry.Path) ?? []))
            : null;
        var names = new NameReservations();
        var transfer = new ResumableTransfer(client, options, new RetryPolicy(options), names, tracker, recorder, archive, deduplicator, pacer, timeProvider, events, rateDial);
        var planner = new DownloadPlanner(options, names, recorder, archive);
        var scheduler = new DownloadScheduler(options, planner, transfer, actions, recorder, pacer, tracker, timeProvider, hostGate, events, controls);
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
