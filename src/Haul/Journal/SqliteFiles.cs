using Microsoft.Data.Sqlite;

namespace Haul.Journal;

/// <summary>Opens Haul's SQLite files the same way everywhere: WAL, normal sync, a busy timeout.</summary>
internal static class SqliteFiles
{
    public static SqliteConnection Open(string path, bool readOnly = false)
    {
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = readOnly ? SqliteOpenMode.ReadOnly : SqliteOpenMode.ReadWriteCreate,
            Pooling = false,
            DefaultTimeout = 30,
        };
        var connection = new SqliteConnection(builder.ToString());
        connection.Open();

        // WAL lets readers (the planner, `haul list`) run beside the batched writer. NORMAL sync
        // keeps every committed batch through a process crash; only a power cut can cost the last ones.
        Execute(connection, readOnly ? "PRAGMA busy_timeout=30000;" : "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA busy_timeout=30000;");
        return connection;
    }

    public static void Execute(SqliteConnection connection, string sql)
    {
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }
}
