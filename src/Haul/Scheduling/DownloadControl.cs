namespace Haul.Scheduling;

/// <summary>
/// The pause, resume and remove switches of one download. A pause or a remove cancels the run of
/// the transfer in progress (its slot and connection are given back); the scheduler then waits
/// for <see cref="Resume"/> before it starts the transfer again.
/// </summary>
internal sealed class DownloadControl
{
    private readonly Lock _gate = new();
    private TaskCompletionSource _resumed = NewSignal(set: true);
    private CancellationTokenSource? _run;

    public bool IsPaused { get; private set; }

    public bool IsRemoved { get; private set; }

    /// <summary>
    /// The current run was stopped by a pause, even if a resume came before the transfer noticed:
    /// its cancelled result then means "run again", not "failed".
    /// </summary>
    public bool RunStoppedByPause { get; private set; }

    public void Pause()
    {
        CancellationTokenSource? run;
        lock (_gate)
        {
            if (IsRemoved || IsPaused)
            {
                return;
            }

            IsPaused = true;
            _resumed = NewSignal(set: false);
            run = _run;
            RunStoppedByPause |= run is not null;
        }

        Stop(run);
    }

    public void Resume()
    {
        lock (_gate)
        {
            IsPaused = false;
            _resumed.TrySetResult();
        }
    }

    public void Remove()
    {
        CancellationTokenSource? run;
        lock (_gate)
        {
            IsRemoved = true;
            run = _run;
            _resumed.TrySetResult();
        }

        Stop(run);
    }

    /// <summary>Completes at once unless paused; then when resumed or removed.</summary>
    public Task WaitUntilRunnableAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return _resumed.Task.WaitAsync(cancellationToken);
        }
    }

    /// <summary>The token of one run of the transfer: the run's own, and cancelled by a pause or a remove.</summary>
    public CancellationTokenSource StartRun(CancellationToken cancellationToken)
    {
        var run = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bool stopped;
        lock (_gate)
        {
            _run = run;
            RunStoppedByPause = IsPaused;
            stopped = IsPaused || IsRemoved;
        }

        if (stopped)
        {
            run.Cancel();
        }

        return run;
    }

    public void EndRun(CancellationTokenSource run)
    {
        lock (_gate)
        {
            _run = null;
        }

        run.Dispose();
    }

    private static void Stop(CancellationTokenSource? run)
    {
        try
        {
            run?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The run ended between the switch and the cancel: nothing left to stop.
        }
    }

    private static TaskCompletionSource NewSignal(bool set)
    {
        var signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (set)
        {
            signal.SetResult();
        }

        return signal;
    }
}
