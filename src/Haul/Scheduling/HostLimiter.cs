namespace Haul.Scheduling;

/// <summary>
/// Bounds the transfers to one host. Entries exist only while a host has users, so a run over
/// millions of hosts keeps only the busy ones in memory.
/// </summary>
internal sealed class HostLimiter(int perHost) : IHostGate
{
    private readonly Dictionary<string, Gate> _gates = new(StringComparer.OrdinalIgnoreCase);
    private readonly Lock _lock = new();

    public async ValueTask<Lease> AcquireAsync(string host, CancellationToken cancellationToken = default)
    {
        Gate gate;
        lock (_lock)
        {
            if (!_gates.TryGetValue(host, out gate!))
            {
                gate = new Gate(perHost);
                _gates.Add(host, gate);
            }

            gate.Users++;
        }

        try
        {
            await gate.Semaphore.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            Leave(host, gate);
            throw;
        }

        return new Lease(this, host, gate);
    }

    async ValueTask<IAsyncDisposable> IHostGate.EnterAsync(string hostKey, CancellationToken cancellationToken) =>
        await AcquireAsync(hostKey, cancellationToken).ConfigureAwait(false);

    internal int TrackedHosts
    {
        get
        {
            lock (_lock)
            {
                return _gates.Count;
            }
        }
    }

    private void Leave(string host, Gate gate)
    {
        lock (_lock)
        {
            if (--gate.Users == 0)
            {
                _gates.Remove(host);
            }
        }
    }

    internal readonly struct Lease(HostLimiter owner, string host, Gate gate) : IDisposable, IAsyncDisposable
    {
        public void Dispose()
        {
            gate.Semaphore.Release();
            owner.Leave(host, gate);
        }

        public ValueTask DisposeAsync()
        {
            Dispose();
            return ValueTask.CompletedTask;
        }
    }

    internal sealed class Gate(int perHost)
    {
        public SemaphoreSlim Semaphore { get; } = new(perHost, perHost);

        public int Users { get; set; }
    }
}
