using System.Runtime.CompilerServices;
using Haul.Events;
using Haul.Http;
using Haul.Metrics;
using Haul.Progress;
using Haul.Scheduling;
using Haul.Transfer;

namespace Haul;

/// <summary>
/// Haul's entry point: give it requests as an async stream, get results back as they finish.
/// Thousands of transfers run as async tasks over one shared connection pool.
/// </summary>
/// <example>
/// <code>
/// using var downloader = new Downloader(new DownloadOptions { Directory = "out" });
/// await foreach (var result in downloader.DownloadAsync(["https://example.org/a.jpg"]))
///     Console.WriteLine($"{result.Status} {result.Path}");
/// </code>
/// </example>
public sealed class Downloader : IDisposable
{
    private readonly HttpSession _session;
    private readonly HttpClient _client;
    private readonly TimeProvider _timeProvider;
    private readonly ProgressTracker _tracker;
    private readonly HaulMetrics _metrics;
    private readonly EventHub _events;
    private readonly DownloadControls _controls = new();
    private readonly RateDial _rateDial;

    /// <summary>Creates a downloader; every run it starts shares one connection pool.</summary>
    /// <param name="options">The settings; the defaults match <c>haul get</c>.</param>
    /// <param name="timeProvider">The clock for timeouts, backoff and elapsed times.</param>
    /// <exception cref="ArgumentException">A file named in <see cref="DownloadOptions.Http"/> cannot be read, or a proxy URL is malformed.</exception>
    public Downloader(DownloadOptions? options = null, TimeProvider? timeProvider = null)
    {
        Options = options ?? new DownloadOptions();
        Options.Validate();
        _timeProvider = timeProvider ?? TimeProvider.System;
        _metrics = new HaulMetrics();
        _events = new EventHub(_timeProvider, Options.Logger, _metrics) { Sender = this };
        _session = HttpSession.Create(Options, _timeProvider, _events);
        _client = _session.Client;
        _tracker = new ProgressTracker(_timeProvider, _metrics);
        _rateDial = new RateDial(Options.RateLimit, _timeProvider);
    }

    /// <summary>
    /// Raised for everything that happens to a download of this downloader's runs: queued,
    /// request sent, reply received, redirected, started, retrying, paused, finished, failed (see
    /// <see cref="DownloadEvent"/>). Handlers run on the transfer's task and must be quick; one
    /// that throws is caught and counted, and the transfer goes on. Byte progress is not an
    /// event: read it from <see cref="GetProgress"/> snapshots.
    /// </summary>
    public event EventHandler<DownloadEvent>? EventRaised
    {
        add => _events.Raised += value;
        remove => _events.Raised -= value;
    }

    /// <summary>
    /// Pauses download <paramref name="id"/> (the <see cref="DownloadEvent.Id"/> of its events):
    /// its transfer stops, its connection and slot go to other downloads, its <c>.part</c> stays.
    /// A download paused before it started waits without taking a slot.
    /// </summary>
    /// <returns>False when no download with that id is queued or in flight.</returns>
    public bool Pause(long id) => _controls.Pause(id);

    /// <summary>
    /// Lets a paused download go on: it queues for a slot again, then asks for the rest of the file
    /// with <c>Range</c> and <c>If-Range</c> (from the start if the file changed on the server).
    /// </summary>
    /// <returns>False when no download with that id is queued or in flight.</returns>
    public bool Resume(long id) => _controls.Resume(id);

    /// <summary>
    /// Stops download <paramref name="id"/> for good: it ends as a failed result of kind
    /// <c>cancelled</c> ("removed"), and any <c>.part</c> is kept.
    /// </summary>
    /// <returns>False when no download with that id is queued or in flight.</returns>
    public bool Remove(long id) => _controls.Remove(id);

    /// <summary>Pauses every download queued or in flight, and every one admitted until <see cref="ResumeAll"/>.</summary>
    public void PauseAll() => _controls.PauseAll();

    /// <summary>Resumes every paused download.</summary>
    public void ResumeAll() => _controls.ResumeAll();

    /// <summary>
    /// Changes the overall bandwidth limit (<see cref="DownloadOptions.RateLimit"/>) of every run of
    /// this downloader while it runs; transfers in flight keep to the new limit from their next read.
    /// </summary>
    /// <param name="bytesPerSecond">The limit in bytes per second; null or 0: unlimited.</param>
    public void SetRateLimit(long? bytesPerSecond) => _rateDial.Set(bytesPerSecond);

    /// <summary>Exceptions thrown by <see cref="EventRaised"/> handlers so far, caught so that no transfer saw them.</summary>
    public long EventHandlerFailures => _events.SubscriberFailures;

    /// <summary>The settings this downloader runs with.</summary>
    public DownloadOptions Options { get; }

    /// <summary>
    /// Downloads every request of <paramref name="requests"/>, reading it lazily, and yields one
    /// result per request in order of completion. A failure becomes a failed result, never an
    /// exception; only an exception thrown by the source itself ends the stream early.
    /// </summary>
    /// <remarks>
    /// Unless <see cref="DownloadOptions.UseJournal"/> is off, the run keeps its journal in
    /// <c>Directory/.haul/journal.db</c>: what it records as done is skipped by the next run
    /// without a request. When <paramref name="cancellationToken"/> is cancelled, transfers in flight stop (their
    /// <c>.part</c> files are kept for resume) and report as <c>cancelled</c>; then the stream
    /// throws <see cref="OperationCanceledException"/>.
    /// </remarks>
    public IAsyncEnumerable<DownloadResult> DownloadAsync(
        IAsyncEnumerable<DownloadRequest> requests,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(requests);
        return _session.SavingCookiesAfter(DownloadSession.RunAsync(_client, Options, _tracker, _timeProvider, requests, events: _events, controls: _controls, rateDial: _rateDial, cancellationToken: cancellationToken), cancellationToken);
    }

    /// <summary>Downloads a few URLs into the output directory; see the overload taking requests.</summary>
    public IAsyncEnumerable<DownloadResult> DownloadAsync(IEnumerable<string> urls, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(urls);
        return DownloadAsync(ToRequests(urls), cancellationToken);
    }

    /// <summary>The shared client, for the crawler's page and robots.txt requests.</summary>
    internal HttpClient Client => _client;

    internal TimeProvider Time => _timeProvider;

    /// <summary>Where the run's events go: the crawl's page fetches raise theirs here too.</summary>
    internal EventHub Events => _events;

    /// <summary>A run whose transfers also keep to a <see cref="HostPacer"/> (the crawler's politeness).</summary>
    internal IAsyncEnumerable<DownloadResult> DownloadAsync(IAsyncEnumerable<DownloadRequest> requests, HostPacer pacer, CancellationToken cancellationToken) =>
        _session.SavingCookiesAfter(DownloadSession.RunAsync(_client, Options, _tracker, _timeProvider, requests, pacer, events: _events, controls: _controls, rateDial: _rateDial, cancellationToken: cancellationToken), cancellationToken);

    /// <summary>A run whose per-host limit and pacing are a job's, shared with the other workers.</summary>
    internal IAsyncEnumerable<DownloadResult> DownloadAsync(IAsyncEnumerable<DownloadRequest> requests, HostPacer pacer, IHostGate hostGate, CancellationToken cancellationToken) =>
        _session.SavingCookiesAfter(DownloadSession.RunAsync(_client, Options, _tracker, _timeProvider, requests, pacer, hostGate, _events, _controls, _rateDial, cancellationToken), cancellationToken);

    /// <summary>Headers, cookies and credentials of this downloader's requests.</summary>
    internal HttpSession Session => _session;

    /// <summary>A snapshot of the progress of this downloader's runs: counters and the transfers in flight.</summary>
    public DownloadProgress GetProgress() => _tracker.Snapshot();

    /// <inheritdoc/>
    public void Dispose()
    {
        _session.Dispose();
        _metrics.Dispose();
    }

    /// <summary>This downloader's <c>Haul</c> meter, for tests that listen to it alone.</summary>
    internal System.Diagnostics.Metrics.Meter Meter => _metrics.Meter;

    private static async IAsyncEnumerable<DownloadRequest> ToRequests(IEnumerable<string> urls)
    {
        foreach (var url in urls)
        {
            yield return new DownloadRequest(url);
        }

        await Task.CompletedTask.ConfigureAwait(false);
    }
}
