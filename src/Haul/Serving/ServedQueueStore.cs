using System.Text.Json;
using Haul.Errors;
using Haul.Journal;
using Microsoft.Data.Sqlite;

namespace Haul.Serving;

/// <summary>
/// The daemon's queue in the journal (<c>DIR/.haul/journal.db</c>, table <c>served_downloads</c>):
/// every download with its gid, options, state and place, written on each change, so that a
/// daemon restarted after any stop (SIGKILL included) resumes what was unfinished with the same gids.
/// </summary>
internal sealed class ServedQueueStore : IDisposable
{
    private readonly SqliteConnection _connection;
    private readonly Lock _gate = new();
    private long _failures;

    private ServedQueueStore(SqliteConnection connection) => _connection = connection;

    public static ServedQueueStore Open(string outputDirectory)
    {
        var connection = SqliteFiles.Open(HaulFolder.Prepare(outputDirectory, DownloadJournal.FileName));
        using var create = connection.CreateCommand();
        create.CommandText = """
            CREATE TABLE IF NOT EXISTS served_downloads (
                gid TEXT PRIMARY KEY,
                url TEXT NOT NULL,
                options TEXT NOT NULL,
                state TEXT NOT NULL,
                position INTEGER NOT NULL,
                path TEXT,
                total INTEGER NOT NULL DEFAULT 0,
                completed INTEGER NOT NULL DEFAULT 0,
                error_kind TEXT,
                error_code INTEGER NOT NULL DEFAULT 0,
                error_message TEXT);
            """;
        create.ExecuteNonQuery();
        return new ServedQueueStore(connection);
    }

    /// <summary>Writes one download's row; <paramref name="position"/> orders the waiting queue (and the stopped list).</summary>
    public void Save(ServedDownload download, long position) => SaveAll([(download, position)]);

    /// <summary>Writes several rows in one transaction: all of them or none.</summary>
    public void SaveAll(IReadOnlyList<(ServedDownload Download, long Position)> rows)
    {
        if (rows.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            foreach (var (download, position) in rows)
            {
                Write(download, position, transaction);
            }

            transaction.Commit();
        }
    }

    private void Write(ServedDownload download, long position, Microsoft.Data.Sqlite.SqliteTransaction transaction)
    {
        using var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO served_downloads (gid, url, options, state, position, path, total, completed, error_kind, error_code, error_message)
            VALUES ($gid, $url, $options, $state, $position, $path, $total, $completed, $kind, $code, $message)
            ON CONFLICT(gid) DO UPDATE SET options = $options, state = $state, position = $position, path = $path,
                total = $total, completed = $completed, error_kind = $kind, error_code = $code, error_message = $message;
            """;
        command.Parameters.AddWithValue("$gid", download.Gid);
        command.Parameters.AddWithValue("$url", download.Url);
        command.Parameters.AddWithValue("$options", OptionsJson(download.Options));
        command.Parameters.AddWithValue("$state", download.State.ToString());
        command.Parameters.AddWithValue("$position", position);
        command.Parameters.AddWithValue("$path", (object?)download.Path ?? DBNull.Value);
        command.Parameters.AddWithValue("$total", download.TotalLength);
        command.Parameters.AddWithValue("$completed", download.CompletedLength);
        command.Parameters.AddWithValue("$kind", download.ErrorKind is { } kind ? kind.ToString() : DBNull.Value);
        command.Parameters.AddWithValue("$code", download.ErrorCode);
        command.Parameters.AddWithValue("$message", (object?)download.ErrorMessage ?? DBNull.Value);
        command.ExecuteNonQuery();
    }

    /// <summary>Deletes the rows of <paramref name="gids"/> in one transaction.</summary>
    public void DeleteAll(IReadOnlyList<string> gids)
    {
        if (gids.Count == 0)
        {
            return;
        }

        lock (_gate)
        {
            using var transaction = _connection.BeginTransaction();
            foreach (var gid in gids)
            {
                using var command = _connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "DELETE FROM served_downloads WHERE gid = $gid;";
                command.Parameters.AddWithValue("$gid", gid);
                command.ExecuteNonQuery();
            }

            transaction.Commit();
        }
    }

    public void Delete(string gid)
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "DELETE FROM served_downloads WHERE gid = $gid;";
            command.Parameters.AddWithValue("$gid", gid);
            command.ExecuteNonQuery();
        }
    }

    /// <summary>Every stored download in queue order, as the rows say.</summary>
    public List<StoredDownload> Load()
    {
        lock (_gate)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT gid, url, options, state, path, total, completed, error_kind, error_code, error_message FROM served_downloads ORDER BY position, rowid;";
            using var reader = command.ExecuteReader();
            var rows = new List<StoredDownload>();
            while (reader.Read())
            {
                rows.Add(new StoredDownload(
                    reader.GetString(0),
                    reader.GetString(1),
                    ParseOptions(reader.GetString(2)),
                    Enum.TryParse<ServedState>(reader.GetString(3), out var state) ? state : ServedState.Waiting,
                    reader.IsDBNull(4) ? null : reader.GetString(4),
                    reader.GetInt64(5),
                    reader.GetInt64(6),
                    !reader.IsDBNull(7) && Enum.TryParse<ErrorKind>(reader.GetString(7), out var kind) ? kind : null,
                    reader.GetInt32(8),
                    reader.IsDBNull(9) ? null : reader.GetString(9)));
            }

            return rows;
        }
    }

    /// <summary>Writes that failed (a full disk): the daemon goes on, a restart would miss them.</summary>
    public long Failures => Interlocked.Read(ref _failures);

    public void CountFailure() => Interlocked.Increment(ref _failures);

    public void Dispose() => _connection.Dispose();

    private static string OptionsJson(IReadOnlyDictionary<string, string> options)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            foreach (var (name, value) in options)
            {
                writer.WriteString(name, value);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.ToArray());
    }

    private static Dictionary<string, string> ParseOptions(string json)
    {
        var options = new Dictionary<string, string>(StringComparer.Ordinal);
        using var document = JsonDocument.Parse(json);
        foreach (var property in document.RootElement.EnumerateObject())
        {
            options[property.Name] = property.Value.GetString() ?? string.Empty;
        }

        return options;
    }
}

/// <summary>One row of <see cref="ServedQueueStore"/>.</summary>
internal sealed record StoredDownload(
    string Gid,
    string Url,
    Dictionary<string, string> Options,
    ServedState State,
    string? Path,
    long TotalLength,
    long CompletedLength,
    ErrorKind? ErrorKind,
    int ErrorCode,
    string? ErrorMessage);
