using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Haul.Journal;

/// <summary>
/// Takes rows from the transfer path without waiting and writes them on a background task,
/// as many as are waiting in one transaction, so the journal costs a transaction per batch
/// rather than an fsync per file.
/// </summary>
internal sealed class BatchedWriter<T> : IAsyncDisposable
{
    private const int MaxBatch = 2000;
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(50);
    private readonly Channel<T> _queue = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly Action<SqliteTransaction, IReadOnlyList<T>> _write;
    private readonly Action<IReadOnlyList<T>>? _committed;
    private readonly Task _pump;

    public BatchedWriter(SqliteConnection connection, Action<SqliteTransaction, IReadOnlyList<T>> write, Action<IReadOnlyList<T>>? committed = null)
    {
        _connection = connection;
        _write = write;
        _committed = committed;
        _pump = Task.Run(PumpAsync);
    }

    public void Enqueue(T row)
    {
        if (!_queue.Writer.TryWrite(row))
        {
            throw new InvalidOperationException("The journal is closed.");
        }
    }

    /// <summary>Writes everything queued so far and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
        await _connection.DisposeAsync().ConfigureAwait(false);
    }

    private async Task PumpAsync()
    {
        var batch = new List<T>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            // Let a batch gather for a moment: a hundred rows in one transaction cost little more
            // than one, and a transaction per file would cost more than the files.
            await Task.Delay(BatchWindow, TimeProvider.System).ConfigureAwait(false);
            while (batch.Count < MaxBatch && _queue.Reader.TryRead(out var row))
            {
                batch.Add(row);
            }

            using (var transaction = _connection.BeginTransaction())
            {
                _write(transaction, batch);
                transaction.Commit();
            }

            _committed?.Invoke(batch);
            batch.Clear();
        }
    }
}
