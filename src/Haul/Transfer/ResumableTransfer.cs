using Haul.Errors;
using Haul.Events;
using Haul.Progress;
using Haul.Storage;

namespace Haul.Transfer;

/// <summary>
/// Runs one download to its end: attempts with backoff, resume from the <c>.part</c> file with
/// <c>Range</c> and <c>If-Range</c>, length and checksum checks, then the atomic rename. What the
/// records keep (interrupted, failed, saved) is raised as events; the records are only read here.
/// </summary>
internal sealed partial class ResumableTransfer(
    HttpClient client,
    DownloadOptions options,
    RetryPolicy retryPolicy,
    NameReservations names,
    ProgressTracker tracker,
    IDownloadRecords? records,
    ContentDeduplicator? deduplicator,
    IHostBackOff? pacer,
    TimeProvider timeProvider,
    EventHub? events = null,
    RateDial? rateDial = null)
{
    /// <summary>Every request of every attempt goes out through it.</summary>
    private readonly RequestSender _sender = new(client, options, events);

    /// <summary>Verifies a finished body on disk and gives it its final name.</summary>
    private readonly PartCommit _commit = new(names, deduplicator, options.AllowOverwrite);

    /// <summary>The run's bandwidth limit (<c>--limit-rate</c>): the downloader's dial when it has one, else one bucket of this run.</summary>
    private readonly RateDial _rateDial = rateDial ?? new RateDial(options.RateLimit, timeProvider);

    private TokenBucket? SharedRateLimit => _rateDial.Current;

    /// <summary>Directories this run has made sure of: one mkdir per directory, not one per file.</summary>
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, byte> _directories = new(StringComparer.Ordinal);

    public async Task<DownloadResult> RunAsync(DownloadTarget target, CancellationToken cancellationToken)
    {
        var result = await RunOnceAsync(target, cancellationToken).ConfigureAwait(false);
        if (result.Status == DownloadStatus.Failed && target.UrlKey is { } key)
        {
            // Failed: a later request for this URL in this run (a queue's redelivery) may try again.
            names.ReleaseUrl(key);
        }

        return result;
    }

    private async Task<DownloadResult> RunOnceAsync(DownloadTarget target, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();

        if (options.NoClobber)
        {
            // Refused before the claim: -nc leaves even a .part alone when the name is taken.
            switch (NoFollow.Look(target.Path))
            {
                case EntryKind.Link:
                    return Failed(target, HaulErrors.SymbolicLink(target.Request.Url, target.Path), 0, started);
                case EntryKind.File:
                    return Skipped(target, "exists", started);
            }
        }

        try
        {
            if (!_directories.ContainsKey(target.Directory))
            {
                if (LinkBelowRoot(target.Directory) is { } link)
                {
                    return Failed(target, HaulErrors.SymbolicLink(target.Request.Url, link), 0, started);
                }

                Directory.CreateDirectory(target.Directory);
                _directories.TryAdd(target.Directory, 0);
            }
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
        {
            return Failed(target, HaulErrors.Storage(target.Request.Url, target.Directory, ex), 0, started);
        }

        using var part = new PartFile(target.Path);
        try
        {
            if (!await ClaimAsync(part, cancellationToken).ConfigureAwait(false))
            {
                return Skipped(target, $"another process is downloading it ({Path.GetFileName(part.Path)} is locked)", started);
            }

            // Only now, holding the claim, is the target's state settled: a transfer that held it
            // before (this URL in another process) may have finished it while this one waited.
            // One look at the final name settles both questions (a link there, a file there).
            var replacing = false;
            var existing = NoFollow.Look(target.Path);
            if (existing == EntryKind.Link)
            {
                // A link at the final name is never reported done, skipped or written through.
                // (The claim made an empty .part, removed again when the claim ends.)
                return Failed(target, HaulErrors.SymbolicLink(target.Request.Url, target.Path), 0, started);
            }

            if (options.NoClobber && existing == EntryKind.File)
            {
                // The file appeared while this transfer waited for the claim (another process's).
                return Skipped(target, "exists", started);
            }

            if (!target.ReplacesExisting && existing == EntryKind.File && part.ExistingLength() == 0)
            {
                // --allow-overwrite: whatever is at the name is replaced, never adopted.
                if (!options.AllowOverwrite && await AdoptExistingAsync(target, started, cancellationToken).ConfigureAwait(false) is { } adopted)
                {
                    return adopted;
                }

                target = target with { ReplacesExisting = true };
                replacing = true;
            }

            var result = await TransferAsync(target, part, started, cancellationToken).ConfigureAwait(false);
            return replacing && result.Status == DownloadStatus.Ok
                ? result with { Note = result.Note ?? (options.AllowOverwrite ? "replaced an existing file (--allow-overwrite)" : "replaced an existing file that did not match the server") }
                : result;
        }
        catch (LinkRefusedException ex)
        {
            var error = ex.Reason is { } what
                ? HaulErrors.NotPlainFile(target.Request.Url, ex.Path, what)
                : HaulErrors.SymbolicLink(target.Request.Url, ex.Path);
            events?.Raise(new TransferFailed(target.Id, target.Request.Url, events.Now, target.Path, error, 0));
            return Failed(target, error, 0, started);
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
        {
            return Failed(target, HaulErrors.Storage(target.Request.Url, part.Path, ex), 0, started);
        }
    }

    private async Task<DownloadResult> TransferAsync(DownloadTarget target, PartFile part, long started, CancellationToken cancellationToken)
    {
        var (id, progress) = tracker.Start(target.Request.Url, Path.GetFileName(target.Path), target.Id);
        using var state = new TransferState(target, part, progress, (target.Request.RateLimit ?? options.PerFileRateLimit) is { } rate ? new TokenBucket(rate, timeProvider) : null);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                progress.SetAttempt(attempt);
                try
                {
                    var outcome = await AttemptAsync(state, cancellationToken).ConfigureAwait(false);
                    return Completed(state, outcome, attempt, started);
                }
                catch (RangesRefusedException)
                {
                    // The pieces no longer fit the server's replies: the download starts over as one stream.
                    state.SingleStream = true;
                    state.DiscardPart = true;
                }
                catch (ContentRefusedException ex)
                {
                    state.Part.Delete();
                    events?.Raise(new TransferFailed(target.Id, state.Url, events.Now, target.Path, HaulErrors.Scope(state.Url, $"Refused {state.Url}: {ex.Message}."), attempt));
                    return new DownloadResult
                    {
                        Request = target.Request,
                        Status = DownloadStatus.Skipped,
                        Attempts = attempt,
                        Note = $"filtered: {ex.Message}",
                        Elapsed = timeProvider.GetElapsedTime(started),
                    };
                }
                catch (HaulException ex)
                {
                    PauseHostIfAsked(ex, target);
                    await SaveMetadataQuietlyAsync(state).ConfigureAwait(false);
                    if (state.RetriesSpent || retryPolicy.NextDelay(ex, attempt) is not { } delay)
                    {
                        events?.Raise(new TransferFailed(target.Id, state.Url, events.Now, target.Path, ex, attempt));
                        return Failed(target, ex, attempt, started);
                    }

                    // Most downloads go from queued to done in one batch; one that needs another
                    // attempt is marked active, with its .part waiting beside the target.
                    events?.Raise(new TransferInterrupted(target.Id, state.Url, events.Now, target.Path, attempt));
                    events?.Raise(new DownloadRetrying(target.Id, state.Url, events.Now, attempt, ex.Kind, ex.Message, delay)
                    {
                        StatusCode = (ex as HttpStatusException)?.StatusCode,
                    });

                    await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await SaveMetadataQuietlyAsync(state).ConfigureAwait(false);

            // Stopped, not failed: the journal says how far it got, and the .part stays for the next run.
            events?.Raise(new TransferInterrupted(target.Id, state.Url, events.Now, target.Path, progress.Snapshot().Attempt));
            return Failed(target, HaulErrors.Cancelled(target.Request.Url), progress.Snapshot().Attempt, started);
        }
        finally
        {
            tracker.Stop(id);
        }
    }

    private void RaiseStarted(TransferState state, int status, long? length, long resumedFrom) =>
        events?.Raise(new DownloadStarted(state.Target.Id, state.Url, events.Now, status, length, resumedFrom));

    /// <summary>
    /// A folder between the output directory and <paramref name="directory"/> (from <c>dir=</c>,
    /// <c>-o sub/x.bin</c> or a crawl's layout) that is a symbolic link, which would lead the file
    /// outside the output directory; null when there is none. The output directory itself may be a
    /// link: the user chose it.
    /// </summary>
    private string? LinkBelowRoot(string directory)
    {
        var root = Path.GetFullPath(options.Directory);
        var relative = Path.GetRelativePath(root, Path.GetFullPath(directory));
        if (relative == ".")
        {
            return null;
        }

        var path = root;
        foreach (var part in relative.Split(Path.DirectorySeparatorChar))
        {
            path = Path.Combine(path, part);
            if (NoFollow.IsLink(path))
            {
                return path;
            }
        }

        return null;
    }

    /// <summary>A 429 or 503 with Retry-After: the host asked for a pause, so every request to it waits, not just this one.</summary>
    private void PauseHostIfAsked(HaulException error, DownloadTarget target)
    {
        if (error is HttpStatusException { StatusCode: 429 or 503, RetryAfter: { } retryAfter })
        {
            pacer?.BackOff(target.HostKey, retryAfter);
        }
    }

    private DownloadResult Completed(TransferState state, AttemptOutcome outcome, int attempts, long started)
    {
        var target = state.Target;
        if (outcome.NotModified)
        {
            return new DownloadResult
            {
                Request = target.Request,
                Status = DownloadStatus.Skipped,
                Path = target.Path,
                Bytes = new FileInfo(target.Path).Length,
                Attempts = attempts,
                Note = "not modified on the server",
                Elapsed = timeProvider.GetElapsedTime(started),
            };
        }

        var sha256 = state.Digest.Sha256Hex();
        var metadata = state.Part.Metadata;
        events?.Raise(new FileCommitted(target.Id, state.Url, events.Now, target.Uri, outcome.Path, state.Digest.Length, sha256, metadata?.ETag, metadata?.LastModified, attempts));
        return new DownloadResult
        {
            Request = target.Request,
            Status = DownloadStatus.Ok,
            Path = outcome.Path,
            Bytes = state.Digest.Length,
            Sha256 = sha256,
            Attempts = attempts,
            Note = outcome.Note,
            Elapsed = timeProvider.GetElapsedTime(started),
            Actions = target.Request.Checksum is { } checksum
                ? [new Actions.ActionOutcome("verify", true, $"The {checksum.AlgorithmName} matches.")]
                : [],
        };
    }

    /// <summary>Keeps the bytes received so far resumable by the next attempt or run.</summary>
    private static async ValueTask SaveMetadataQuietlyAsync(TransferState state)
    {
        try
        {
            await state.Part.SaveMetadataAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (HaulErrors.IsStorageFault(ex))
        {
            // Without metadata the .part restarts from zero next time: slower, never wrong.
        }
    }

    private DownloadResult Failed(DownloadTarget target, HaulException error, int attempts, long started) => new()
    {
        Request = target.Request,
        Status = DownloadStatus.Failed,
        Path = target.Path,
        Attempts = attempts,
        Error = error,
        Elapsed = timeProvider.GetElapsedTime(started),
    };

    /// <summary>What one download carries from attempt to attempt.</summary>
    private sealed class TransferState(DownloadTarget target, PartFile part, TransferProgress progress, TokenBucket? rateLimit) : IDisposable
    {
        public DownloadTarget Target { get; } = target;

        public PartFile Part { get; } = part;

        public TransferProgress Progress { get; } = progress;

        public BodyDigest Digest { get; } = new(target.Request.Checksum);

        /// <summary>Set when the bytes on disk can no longer be trusted (a wrong range reply): the next attempt starts at zero.</summary>
        public bool DiscardPart { get; set; }

        /// <summary>The name the server suggested in Content-Disposition.</summary>
        public string? DispositionName { get; set; }

        /// <summary>This download's own bandwidth limit (<c>max-download-limit=</c>, else <c>--max-download-limit</c>).</summary>
        public TokenBucket? RateLimit { get; } = rateLimit;

        /// <summary>Set once a server refused ranges part-way: no more splitting for this download.</summary>
        public bool SingleStream { get; set; }

        /// <summary>
        /// Set when the body now in the .part went to disk in one write from byte zero, after it
        /// had all arrived; the next commit consumes it.
        /// </summary>
        public bool WrittenInOneWrite { get; set; }

        /// <summary>Set when the pieces already used up their retries: the download fails without another round.</summary>
        public bool RetriesSpent { get; set; }

        public string Url => Target.Request.Url;

        public void Dispose() => Digest.Dispose();
    }
}
