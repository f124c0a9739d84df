using System.Threading.Channels;
using Microsoft.Data.Sqlite;

namespace Haul.Journal;

/// <summary>
/// Takes rows from the transfer path without waiting and writes them on a background task,
/// as many as are waiting in one transaction, so the journal costs a transaction per batch
/// rather than an fsync per file.
/// </summary>
/// <remarks>
/// With a <c>failed</c> handler, a batch that cannot be written (disk full, the file gone bad,
/// a lock held too long) is reported once and writing stops: the rows still queued are dropped,
/// the run goes on and decides what the lost rows mean. Without one, the failure ends the writer
/// and <see cref="DisposeAsync"/> throws it.
/// </remarks>
internal sealed class BatchedWriter<T> : IAsyncDisposable
{
    private const int MaxBatch = 2000;
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(50);
    private readonly Channel<T> _queue = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly SqliteConnection _connection;
    private readonly Action<SqliteTransaction, IReadOnlyList<T>> _write;
    private readonly Action<IReadOnlyList<T>>? _committed;
    private readonly Action<SqliteException>? _failed;
    private readonly Task _pump;

    public BatchedWriter(
        SqliteConnection connection,
        Action<SqliteTransaction, IReadOnlyList<T>> write,
        Action<IReadOnlyList<T>>? committed = null,
        Action<SqliteException>? failed = null)
    {
        _connection = connection;
        _write = write;
        _committed = committed;
        _failed = failed;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>True once a batch failed and writing stopped.</summary>
    public bool Failed { get; private set; }

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

            if (!Failed && !TryWrite(batch))
            {
                Failed = true;
            }

            batch.Clear();
        }
    }

    private bool TryWrite(List<T> batch)
    {
        try
        {
            using (var transaction = _connection.BeginTransaction())
            {
                _write(transaction, batch);
                transaction.Commit();
            }
        }
        catch (SqliteException ex) when (_failed is not null)
        {
            _failed(ex);
            return false;
        }

        _committed?.Invoke(batch);
        return true;
    }
}
