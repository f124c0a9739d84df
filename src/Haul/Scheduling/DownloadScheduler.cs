using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Threading.Channels;
using Haul.Actions;
using Haul.Errors;
using Haul.Progress;
using Haul.Transfer;

namespace Haul.Scheduling;

/// <summary>
/// Pulls requests lazily from the source, runs them as async tasks under the global and per-host
/// limits, and yields results as they finish. Only the admitted window (in flight plus a small
/// read-ahead that lets other hosts pass a busy one) is ever held in memory.
/// </summary>
internal sealed class DownloadScheduler(
    DownloadOptions options,
    DownloadPlanner planner,
    ResumableTransfer transfer,
    ActionPipeline actions,
    HostPacer? pacer,
    ProgressTracker tracker,
    TimeProvider timeProvider,
    IHostGate? hostGate = null,
    Events.EventHub? events = null,
    DownloadControls? controls = null)
{
    /// <summary>Files that may wait for their post-download actions while transfers go on.</summary>
    internal const int ActionBacklog = 256;

    // In flight, plus a read-ahead that lets other hosts pass a busy one, plus, when there are
    // actions, a backlog of finished files waiting for them: a slow hook delays results, not transfers.
    private readonly int _window = (options.MaxConcurrent * 2) + (actions.IsEmpty ? 0 : ActionBacklog);

    public async IAsyncEnumerable<DownloadResult> RunAsync(
        IAsyncEnumerable<DownloadRequest> source,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        // Transfers stop on the caller's token; the run's own token also stops them when the caller walks away.
        using var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var results = Channel.CreateBounded<DownloadResult>(new BoundedChannelOptions(_window) { SingleReader = true });
        var producer = ProduceAsync(source, results.Writer, run.Token);
        try
        {
            // Not the caller's token: after Ctrl+C the interrupted transfers still report, then the channel completes.
            while (await results.Reader.WaitToReadAsync(CancellationToken.None).ConfigureAwait(false))
            {
                while (results.Reader.TryRead(out var result))
                {
                    yield return result;
                }
            }

            var sourceFailure = await producer.ConfigureAwait(false);
            sourceFailure?.Throw();
            cancellationToken.ThrowIfCancellationRequested();
        }
        finally
        {
            if (!producer.IsCompleted)
            {
                await run.CancelAsync().ConfigureAwait(false);
                await foreach (var unused in results.Reader.ReadAllAsync(CancellationToken.None).ConfigureAwait(false))
                {
                }

                await producer.ConfigureAwait(false);
            }
        }
    }

    private async Task<ExceptionDispatchInfo?> ProduceAsync(
        IAsyncEnumerable<DownloadRequest> source,
        ChannelWriter<DownloadResult> writer,
        CancellationToken cancellationToken)
    {
        using var admission = new SemaphoreSlim(_window, _window);
        using var global = new SemaphoreSlim(options.MaxConcurrent, options.MaxConcurrent);
        var hosts = hostGate ?? new HostLimiter(options.MaxPerHost);
        ExceptionDispatchInfo? failure = null;
        var requests = source.GetAsyncEnumerator(cancellationToken);
        var pending = Task.FromResult(false);
        try
        {
            while (true)
            {
                // A source may block without watching the token (a console read, for one): stop
                // waiting for it on cancellation instead of hanging the run.
                pending = requests.MoveNextAsync().AsTask();
                if (!await pending.WaitAsync(cancellationToken).ConfigureAwait(false))
                {
                    break;
                }

                await admission.WaitAsync(cancellationToken).ConfigureAwait(false);
                tracker.Queued();
                var id = events?.NextId() ?? 0;
                events?.Raise(new Events.DownloadQueued(id, requests.Current.Url, events.Now));
                _ = RunOneAsync(id, requests.Current, hosts, global, admission, writer, cancellationToken);
            }

            tracker.SourceCompleted();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            failure = ExceptionDispatchInfo.Capture(ex);
        }

        if (pending.IsCompleted)
        {
            await requests.DisposeAsync().ConfigureAwait(false);
        }

        // Every admitted request holds one admission slot until its result is written.
        for (var i = 0; i < _window; i++)
        {
            await admission.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        writer.Complete();
        return failure;
    }

    /// <remarks>Never throws: whatever happens becomes a result, so one failure never stops the others.</remarks>
    private async Task RunOneAsync(
        long id,
        DownloadRequest request,
        IHostGate hosts,
        SemaphoreSlim global,
        SemaphoreSlim admission,
        ChannelWriter<DownloadResult> writer,
        CancellationToken cancellationToken)
    {
        var started = timeProvider.GetTimestamp();
        var control = controls?.Register(id);
        DownloadResult result;
        try
        {
            // Masked first, so that even a failure before the plan never shows the password.
            request = DownloadPlanner.TakeLogin(request);

            // Planned here, before the first await, so names are reserved in input order.
            var plan = planner.Plan(request, id);
            result = plan.Immediate ?? (control is null
                ? await TransferAsync(plan.Target! with { Id = id }, hosts, global, cancellationToken).ConfigureAwait(false)
                : await ControlledTransferAsync(plan.Target! with { Id = id }, control, hosts, global, started, cancellationToken).ConfigureAwait(false));
            if (result.Status == DownloadStatus.Ok && !actions.IsEmpty)
            {
                result = await actions.RunAsync(result, cancellationToken).ConfigureAwait(false);
                events?.Raise(new Events.ActionsCompleted(id, result.Url, events.Now, ActionOutcomeJson.ToJson(result.Actions)));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            result = Failed(request, HaulErrors.Cancelled(request.Url), started);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            result = Failed(request, HaulErrors.Storage(request.Url, options.Directory, ex), started);
        }
        catch (Exception ex)
        {
            result = Failed(request, HaulErrors.Unexpected(request.Url, ex), started);
        }

        controls?.Unregister(id);
        tracker.Finished(result);
        if (events is not null)
        {
            events.Raise(result.Error is { } error
                ? new Events.DownloadFailed(id, request.Url, events.Now, error, result.Attempts)
                : new Events.DownloadFinished(id, request.Url, events.Now, result));
        }

        try
        {
            await writer.WriteAsync(result, CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            admission.Release();
        }
    }

    /// <summary>
    /// Runs the transfer until it ends by itself or is removed. A pause stops the transfer (its
    /// slots and connection given back, its .part kept); on resume it runs again and goes on from
    /// the .part with Range and If-Range.
    /// </summary>
    private async Task<DownloadResult> ControlledTransferAsync(
        DownloadTarget target,
        DownloadControl control,
        IHostGate hosts,
        SemaphoreSlim global,
        long started,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            await control.WaitUntilRunnableAsync(cancellationToken).ConfigureAwait(false);
            if (control.IsRemoved)
            {
                return Failed(target.Request, HaulErrors.Removed(target.Request.Url), started);
            }

            DownloadResult? result = null;
            var run = control.StartRun(cancellationToken);
            try
            {
                result = await TransferAsync(target, hosts, global, run.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (run.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                // Paused or removed while waiting for a slot.
            }
            finally
            {
                control.EndRun(run);
            }

            cancellationToken.ThrowIfCancellationRequested();
            var stopped = result is null || result.Error is DownloadCancelledException;
            if (stopped && control.IsRemoved)
            {
                return Failed(target.Request, HaulErrors.Removed(target.Request.Url), started);
            }

            // Paused and maybe resumed already: either way this run's cancelled result is not the end.
            if (!stopped || !(control.IsPaused || control.RunStoppedByPause))
            {
                return result!;
            }

            events?.Raise(new Events.DownloadPaused(target.Id, target.Request.Url, events.Now));
        }
    }

    /// <summary>Runs the transfer under both limits; the slots are free again before any action runs.</summary>
    private async Task<DownloadResult> TransferAsync(DownloadTarget target, IHostGate hosts, SemaphoreSlim global, CancellationToken cancellationToken)
    {
        var host = await hosts.EnterAsync(target.HostKey, cancellationToken).ConfigureAwait(false);
        await using var hostSlot = host.ConfigureAwait(false);
        if (pacer is not null)
        {
            await pacer.WaitTurnAsync(target.HostKey, cancellationToken).ConfigureAwait(false);
        }

        await global.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await transfer.RunAsync(target, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            global.Release();
        }
    }

    private DownloadResult Failed(DownloadRequest request, HaulException error, long started) => new()
    {
        Request = request,
        Status = DownloadStatus.Failed,
        Error = error,
        Elapsed = timeProvider.GetElapsedTime(started),
    };
}
