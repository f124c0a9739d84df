using Microsoft.Data.Sqlite;
using SQLitePCL;

namespace Haul.Journal;

/// <summary>
/// One statement prepared on an open connection's own handle and run many times: bind, step,
/// reset. A <see cref="SqliteCommand"/> run makes a reader, a statement enumerator and a binder
/// per parameter each time (about 1.5 KB per journal row of a small file); this makes none.
/// </summary>
/// <remarks>
/// A step is not retried: where <see cref="SqliteCommand"/> steps again on SQLITE_BUSY until its
/// timeout, this throws. Writes belong inside a transaction begun IMMEDIATE on the connection
/// (as <see cref="SqliteConnection.BeginTransaction()"/> does), which holds the write lock
/// before the first row; waiting for that lock is SQLite's busy timeout's (see <see cref="SqliteFiles.Open"/>).
/// </remarks>
internal sealed class SqliteStatement : IDisposable
{
    private readonly sqlite3 _database;
    private readonly sqlite3_stmt _statement;

    public SqliteStatement(SqliteConnection connection, string sql)
    {
        ArgumentNullException.ThrowIfNull(connection);
        _database = connection.Handle ?? throw new InvalidOperationException("The connection is not open.");
        var rc = raw.sqlite3_prepare_v2(_database, sql, out var statement);
        if (rc != raw.SQLITE_OK)
        {
            statement?.Dispose();
            SqliteException.ThrowExceptionForRC(rc, _database);
        }

        _statement = statement!;
    }

    /// <summary>The position of the parameter named <paramref name="name"/> (with its <c>$</c>).</summary>
    public int IndexOf(string name)
    {
        var index = raw.sqlite3_bind_parameter_index(_statement, name);
        return index > 0 ? index : throw new ArgumentException($"The statement has no parameter {name}.", nameof(name));
    }

    /// <summary>
    /// Binds text, or NULL for null, encoded as <see cref="SqliteCommand"/> encodes it (a lone
    /// surrogate becomes U+FFFD), so that the lookups, which bind through it, find what was written.
    /// </summary>
    public void Bind(int index, string? value) =>
        Check(value is null ? raw.sqlite3_bind_null(_statement, index) : raw.sqlite3_bind_text(_statement, index, value));

    public void Bind(int index, long? value) =>
        Check(value is { } number ? raw.sqlite3_bind_int64(_statement, index, number) : raw.sqlite3_bind_null(_statement, index));

    /// <summary>Runs the statement once with the values bound, and makes it ready for the next.</summary>
    public void Run()
    {
        var rc = raw.sqlite3_step(_statement);
        try
        {
            if (rc != raw.SQLITE_DONE && rc != raw.SQLITE_ROW)
            {
                // Read while the failed step's message is still the connection's last.
                SqliteException.ThrowExceptionForRC(rc, _database);
            }
        }
        finally
        {
            raw.sqlite3_reset(_statement);
        }
    }

    public void Dispose() => _statement.Dispose();

    private void Check(int rc)
    {
        if (rc != raw.SQLITE_OK)
        {
            SqliteException.ThrowExceptionForRC(rc, _database);
        }
    }
}
