using Microsoft.Data.Sqlite;

namespace Haul.Journal;

/// <summary>
/// A read connection beside a batched writer, with prepared one-parameter queries that any thread
/// may run (one at a time: a SQLite connection is not thread-safe).
/// </summary>
internal sealed class SqliteLookup<T>(string path, Func<SqliteDataReader, T> read) : IAsyncDisposable
{
    private readonly SqliteConnection _connection = SqliteFiles.Open(path);
    private readonly List<SqliteCommand> _commands = [];
    private readonly Lock _lock = new();

    /// <summary>Runs <paramref name="sql"/> (a schema, say) on the read connection.</summary>
    public void Execute(string sql)
    {
        lock (_lock)
        {
            SqliteFiles.Execute(_connection, sql);
        }
    }

    /// <summary>Prepares <paramref name="sql"/>, whose one parameter is <c>$value</c>.</summary>
    public SqliteCommand Prepare(string sql)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        command.Parameters.Add("$value", SqliteType.Text);
        command.Prepare();
        _commands.Add(command);
        return command;
    }

    public List<T> Query(SqliteCommand command, string value)
    {
        lock (_lock)
        {
            command.Parameters["$value"].Value = value;
            using var reader = command.ExecuteReader();
            var rows = new List<T>();
            while (reader.Read())
            {
                rows.Add(read(reader));
            }

            return rows;
        }
    }

    public bool Any(string table)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = $"SELECT EXISTS (SELECT 1 FROM {table})";
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture) != 0;
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var command in _commands)
        {
            await command.DisposeAsync().ConfigureAwait(false);
        }

        await _connection.DisposeAsync().ConfigureAwait(false);
    }
}
