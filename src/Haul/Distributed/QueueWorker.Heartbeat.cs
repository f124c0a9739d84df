using StackExchange.Redis;

namespace Haul.Distributed;

public sealed partial class QueueWorker
{
    /// <summary>How often a live worker shows it is alive: well within the visibility timeout.</summary>
    private TimeSpan HeartbeatInterval => TimeSpan.FromMilliseconds(Math.Max(250, _options.VisibilityTimeout.TotalMilliseconds / 4));

    /// <summary>
    /// Keeps this worker's entries from looking abandoned: resets their idle time (a slow download
    /// is not taken over), and notes when the worker was last seen.
    /// </summary>
    private async Task HeartbeatAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(HeartbeatInterval, _timeProvider);
        while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
        {
            RedisValue[] values = [JobKeys.Group, Name, .. _owned.Keys.Select(id => (RedisValue)id)];
            try
            {
                await _job.EvaluateAsync(JobScripts.Refresh, [_job.Keys.Queue, _job.Keys.Worker(Name)], values).ConfigureAwait(false);
            }
            catch (Exception ex) when (RedisRetry.IsTransient(ex))
            {
                // Redis is away: the next beat tries again.
            }
        }
    }

    private Task RegisterAsync(CancellationToken cancellationToken) =>
        RedisRetry.UntilDoneAsync(
            () => _job.EvaluateAsync(
                JobScripts.Register,
                [_job.Keys.Workers, _job.Keys.Worker(Name)],
                [Name, "host", Environment.MachineName, "pid", Environment.ProcessId, "dir", Path.GetFullPath(Options.Directory)]),
            _timeProvider,
            cancellationToken);

    private async Task LeaveAsync(string state)
    {
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        try
        {
            await RedisRetry.UntilDoneAsync(() => _job.EvaluateAsync(JobScripts.Leave, [_job.Keys.Worker(Name)], [state]), _timeProvider, deadline.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (deadline.IsCancellationRequested)
        {
        }
    }
}
