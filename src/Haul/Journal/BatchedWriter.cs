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
/// <para>
/// With <c>deferred</c>, rows wait in memory and the database is not even opened until
/// <see cref="Start"/> (or <see cref="DisposeAsync"/>): a run's first request never waits for
/// SQLite to open a file, create it or check its schema.
/// </para>
/// </remarks>
internal sealed class BatchedWriter<T> : IAsyncDisposable
{
    private const int MaxBatch = 2000;
    private static readonly TimeSpan BatchWindow = TimeSpan.FromMilliseconds(50);
    private readonly Channel<T> _queue = Channel.CreateUnbounded<T>(new UnboundedChannelOptions { SingleReader = true });
    private readonly Func<SqliteConnection> _open;
    private readonly Action<SqliteTransaction, IReadOnlyList<T>> _write;
    private readonly Action<IReadOnlyList<T>>? _committed;
    private readonly Action<SqliteException>? _failed;
    private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _closing = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly Task _pump;
    private SqliteConnection? _connection;

    public BatchedWriter(
        SqliteConnection connection,
        Action<SqliteTransaction, IReadOnlyList<T>> write,
        Action<IReadOnlyList<T>>? committed = null,
        Action<SqliteException>? failed = null)
        : this(() => connection, write, committed, failed, deferred: false)
    {
    }

    /// <param name="open">Opens the connection, on the writer's task, when the first batch is due.</param>
    /// <param name="write">Writes one batch inside its transaction.</param>
    /// <param name="committed">Told of each batch once committed.</param>
    /// <param name="failed">Told once when a batch (or the opening) fails; see the remarks.</param>
    /// <param name="deferred">Whether rows wait for <see cref="Start"/> before anything is opened.</param>
    public BatchedWriter(
        Func<SqliteConnection> open,
        Action<SqliteTransaction, IReadOnlyList<T>> write,
        Action<IReadOnlyList<T>>? committed,
        Action<SqliteException>? failed,
        bool deferred)
    {
        _open = open;
        _write = write;
        _committed = committed;
        _failed = failed;
        if (!deferred)
        {
            _started.TrySetResult();
        }

        _pump = Task.Run(PumpAsync);
    }

    /// <summary>True once the database was opened (or an attempt to open it failed).</summary>
    public bool Opened { get; private set; }

    /// <summary>True once a batch failed and writing stopped.</summary>
    public bool Failed { get; private set; }

    public void Enqueue(T row)
    {
        if (!_queue.Writer.TryWrite(row))
        {
            throw new InvalidOperationException("The journal is closed.");
        }
    }

    /// <summary>Lets a deferred writer open its database and write what waits.</summary>
    public void Start() => _started.TrySetResult();

    /// <summary>Writes everything queued so far and stops.</summary>
    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        _closing.TrySetResult();
        _started.TrySetResult();
        await _pump.ConfigureAwait(false);
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }

    private async Task PumpAsync()
    {
        var batch = new List<T>(MaxBatch);
        while (await _queue.Reader.WaitToReadAsync().ConfigureAwait(false))
        {
            await _started.Task.ConfigureAwait(false);
            if (!Opened)
            {
                Opened = true;
                Failed = !TryOpen();
            }

            // Let a batch gather for a moment: a hundred rows in one transaction cost little more
            // than one, and a transaction per file would cost more than the files.
            // Closing: nothing more is coming, and the run is waiting for this write to end.
            if (!_closing.Task.IsCompleted)
            {
                await Task.WhenAny(Task.Delay(BatchWindow, TimeProvider.System), _closing.Task).ConfigureAwait(false);
            }

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

    private bool TryOpen()
    {
        try
        {
            _connection = _open();
            return true;
        }
        catch (SqliteException ex) when (_failed is not null)
        {
            _failed(ex);
            return false;
        }
        catch (Exception ex) when (_failed is not null && ex is IOException or UnauthorizedAccessException)
        {
            // Told as SQLite's own "unable to open" would be: the journal cannot be written.
            _failed(new SqliteException(ex.Message, 14));
            return false;
        }
    }

    private bool TryWrite(List<T> batch)
    {
        try
        {
            using (var transaction = _connection!.BeginTransaction())
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
