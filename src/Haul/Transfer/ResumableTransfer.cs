using Haul.Errors;
using Haul.Progress;
using Haul.Storage;

namespace Haul.Transfer;

/// <summary>
/// Runs one download to its end: attempts with backoff, resume from the <c>.part</c> file with
/// <c>Range</c> and <c>If-Range</c>, length and checksum checks, then the atomic rename.
/// </summary>
internal sealed partial class ResumableTransfer(
    HttpClient client,
    DownloadOptions options,
    RetryPolicy retryPolicy,
    NameReservations names,
    ProgressTracker tracker,
    TimeProvider timeProvider)
{
    public async Task<DownloadResult> RunAsync(DownloadTarget target, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var part = new PartFile(target.Path);
        if (File.Exists(target.Path) && !File.Exists(part.Path))
        {
            return new DownloadResult
            {
                Request = target.Request,
                Status = DownloadStatus.Skipped,
                Path = target.Path,
                Bytes = new FileInfo(target.Path).Length,
                Note = "already exists",
                Elapsed = timeProvider.GetElapsedTime(started),
            };
        }

        try
        {
            Directory.CreateDirectory(target.Directory);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return Failed(target, HaulErrors.Storage(target.Request.Url, target.Directory, ex), 0, started);
        }

        var (id, progress) = tracker.Start(target.Request.Url, Path.GetFileName(target.Path));
        using var state = new TransferState(target, part, progress);
        try
        {
            for (var attempt = 1; ; attempt++)
            {
                progress.SetAttempt(attempt);
                try
                {
                    var finalPath = await AttemptAsync(state, cancellationToken).ConfigureAwait(false);
                    return new DownloadResult
                    {
                        Request = target.Request,
                        Status = DownloadStatus.Ok,
                        Path = finalPath,
                        Bytes = state.Digest.Length,
                        Sha256 = state.Digest.Sha256Hex(),
                        Attempts = attempt,
                        Elapsed = timeProvider.GetElapsedTime(started),
                    };
                }
                catch (HaulException ex)
                {
                    await SaveMetadataQuietlyAsync(state).ConfigureAwait(false);
                    if (retryPolicy.NextDelay(ex, attempt) is not { } delay)
                    {
                        return Failed(target, ex, attempt, started);
                    }

                    await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await SaveMetadataQuietlyAsync(state).ConfigureAwait(false);
            return Failed(target, HaulErrors.Cancelled(target.Request.Url), progress.Snapshot().Attempt, started);
        }
        finally
        {
            tracker.Stop(id);
        }
    }

    /// <summary>Keeps the bytes received so far resumable by the next attempt or run.</summary>
    private static async ValueTask SaveMetadataQuietlyAsync(TransferState state)
    {
        try
        {
            await state.Part.SaveMetadataAsync(CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
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
    private sealed class TransferState(DownloadTarget target, PartFile part, TransferProgress progress) : IDisposable
    {
        public DownloadTarget Target { get; } = target;

        public PartFile Part { get; } = part;

        public TransferProgress Progress { get; } = progress;

        public BodyDigest Digest { get; } = new(target.Request.Checksum);

        /// <summary>Set when the bytes on disk can no longer be trusted (a wrong range reply): the next attempt starts at zero.</summary>
        public bool DiscardPart { get; set; }

        /// <summary>The name the server suggested in Content-Disposition.</summary>
        public string? DispositionName { get; set; }

        public string Url => Target.Request.Url;

        public void Dispose() => Digest.Dispose();
    }
}
