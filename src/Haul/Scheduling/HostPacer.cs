using System.Collections.Concurrent;

namespace Haul.Scheduling;

/// <summary>
/// Spaces requests to one host (<c>--delay</c>, robots.txt <c>Crawl-delay</c>) and makes the whole
/// host wait when it answers 429 or 503 with <c>Retry-After</c>, not just the request that got it.
/// With <paramref name="shared"/> the pacing is a job's, across all of its workers.
/// </summary>
internal sealed class HostPacer(TimeSpan defaultDelay, TimeProvider timeProvider, ISharedHostPacing? shared = null) : Transfer.IHostBackOff
{
    private readonly ConcurrentDictionary<string, HostState> _hosts = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>A host-specific gap between requests, such as a robots.txt Crawl-delay; the larger of it and the default counts.</summary>
    public void SetDelay(string host, TimeSpan delay) => State(host).Delay = delay > defaultDelay ? delay : defaultDelay;

    /// <summary>Waits until this host may be sent another request, and books that slot.</summary>
    public async ValueTask WaitTurnAsync(string host, CancellationToken cancellationToken)
    {
        var state = State(host);
        if (shared is not null)
        {
            await shared.WaitTurnAsync(host, state.Delay, cancellationToken).ConfigureAwait(false);
            return;
        }

        DateTimeOffset slot;
        lock (state)
        {
            var now = timeProvider.GetUtcNow();
            slot = state.Next > now ? state.Next : now;
            state.Next = slot + state.Delay;
        }

        var wait = slot - timeProvider.GetUtcNow();
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>No request to this host before <paramref name="wait"/> has passed.</summary>
    public void BackOff(string host, TimeSpan wait)
    {
        shared?.BackOff(host, wait);
        var state = State(host);
        lock (state)
        {
            var until = timeProvider.GetUtcNow() + wait;
            if (until > state.Next)
            {
                state.Next = until;
            }
        }
    }

    private HostState State(string host) => _hosts.GetOrAdd(host, _ => new HostState { Delay = defaultDelay });

    private sealed class HostState
    {
        public TimeSpan Delay { get; set; }

        public DateTimeOffset Next { get; set; }
    }
}
