using System.Collections.Concurrent;
using Haul.Scheduling;
using StackExchange.Redis;

namespace Haul.Distributed;

/// <summary>
/// The per-host connection limit across every worker of a job: a slot is a lease in a sorted set
/// per host, scored by its expiry. Held leases are renewed while their transfers run, so a slow
/// download keeps its slot and a killed worker's slots come back once their leases run out.
/// A local <see cref="HostLimiter"/> in front keeps this worker from asking for more than the limit.
/// </summary>
internal sealed class RedisHostGate : IHostGate, IAsyncDisposable
{
    internal static readonly TimeSpan LeaseTime = TimeSpan.FromSeconds(20);
    private static readonly TimeSpan LongestPoll = TimeSpan.FromMilliseconds(200);

    private readonly JobConnection _job;
    private readonly int _perHost;
    private readonly string _owner;
    private readonly TimeProvider _timeProvider;
    private readonly HostLimiter _local;
    private readonly ConcurrentDictionary<string, string> _held = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _renewing;
    private long _leases;

    public RedisHostGate(JobConnection job, int perHost, string owner, TimeProvider timeProvider)
    {
        _job = job;
        _perHost = perHost;
        _owner = owner;
        _timeProvider = timeProvider;
        _local = new HostLimiter(perHost);
        _renewing = RenewAsync(_stop.Token);
    }

    public async ValueTask<IAsyncDisposable> EnterAsync(string hostKey, CancellationToken cancellationToken)
    {
        var local = await _local.AcquireAsync(hostKey, cancellationToken).ConfigureAwait(false);
        try
        {
            var lease = $"{_owner}#{Interlocked.Increment(ref _leases)}";
            RedisKey[] keys = [_job.Keys.HostLeases(hostKey), _job.Keys.HostPacing(hostKey)];
            RedisValue[] values = [lease, _perHost, (long)LeaseTime.TotalMilliseconds];
            for (var full = 0; ; )
            {
                var answer = (long)await RedisRetry.UntilDoneAsync(() => _job.EvaluateAsync(JobScripts.AcquireHost, keys, values), _timeProvider, cancellationToken).ConfigureAwait(false);
                if (answer == 0)
                {
                    _held[lease] = hostKey;
                    return new Slot(this, local, hostKey, lease);
                }

                // A pause (Retry-After) says how long; a full host is polled, a little slower each time.
                var wait = answer > 0
                    ? TimeSpan.FromMilliseconds(Math.Min(answer, 5000))
                    : TimeSpan.FromMilliseconds(Math.Min(LongestPoll.TotalMilliseconds, 5 << Math.Min(full++, 6)) * (0.5 + (Random.Shared.NextDouble() / 2)));
                await Task.Delay(wait, _timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
        catch
        {
            local.Dispose();
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewing.ConfigureAwait(false);
        _stop.Dispose();
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(LeaseTime / 4, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                var held = _held.ToArray();
                if (held.Length == 0)
                {
                    continue;
                }

                try
                {
                    await _job.EvaluateAsync(
                        JobScripts.RenewHosts,
                        [.. held.Select(pair => _job.Keys.HostLeases(pair.Value))],
                        [(long)LeaseTime.TotalMilliseconds, .. held.Select(pair => (RedisValue)pair.Key)]).ConfigureAwait(false);
                }
                catch (Exception ex) when (RedisRetry.IsTransient(ex))
                {
                    // The next tick tries again; a lease lost meanwhile only frees a slot early.
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task ReleaseAsync(string hostKey, string lease)
    {
        _held.TryRemove(lease, out _);
        try
        {
            await _job.Database.SortedSetRemoveAsync(_job.Keys.HostLeases(hostKey), lease).ConfigureAwait(false);
        }
        catch (Exception ex) when (RedisRetry.IsTransient(ex))
        {
            // Unreachable now: the lease runs out by itself.
        }
    }

    private sealed class Slot(RedisHostGate gate, HostLimiter.Lease local, string hostKey, string lease) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            await gate.ReleaseAsync(hostKey, lease).ConfigureAwait(false);
            local.Dispose();
        }
    }
}
