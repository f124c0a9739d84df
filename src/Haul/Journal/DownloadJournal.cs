using System.Globalization;
using System.Runtime.CompilerServices;
using Microsoft.Data.Sqlite;

namespace Haul.Journal;

/// <summary>
/// The durable record of one output directory (<c>DIR/.haul/journal.db</c>): every request with its
/// target path, state, size, SHA-256, validators, attempts and last error. Lookups are synchronous
/// and indexed; writes are queued and committed in batches off the transfer path.
/// </summary>
public sealed class DownloadJournal : IAsyncDisposable
{
    /// <summary>The journal's folder inside the output directory.</summary>
    public const string FolderName = ".haul";

    /// <summary>The journal's file name inside <see cref="FolderName"/>.</summary>
    public const string FileName = "journal.db";

    private const string Columns = "url, path, state, size, sha256, etag, last_modified, attempts, error_kind, error, actions, updated_at";

    private readonly BatchedWriter<JournalEntry> _writer;
    private readonly PendingWrites<JournalEntry> _pending = new(entry => entry.Url, entry => entry.Sha256);
    private readonly string _outputDirectory;
    private readonly Lock _openLock = new();
    private Reader? _reader;

    // A first run into a directory has nothing to look up: the planner's two queries per URL are
    // skipped, and only this run's own writes (the pending ones) are consulted. Known from whether
    // the file is there, so that such a run opens no database before its first answer comes.
    private readonly bool _startedEmpty;

    private DownloadJournal(string outputDirectory)
    {
        _outputDirectory = outputDirectory;
        Path = HaulFolder.Check(outputDirectory, FileName);
        _startedEmpty = !File.Exists(Path);
        if (!_startedEmpty)
        {
            // An earlier run's journal is read to plan the very first URL anyway, so it is opened
            // now: a journal that cannot be read stops the run before anything is fetched.
            Open();
        }

        // Rows wait in memory until one says a transfer got somewhere (or failed): the file is not
        // opened, created or given its schema on the path of the first request.
        _writer = new BatchedWriter<JournalEntry>(OpenForWriting, WriteBatch, _pending.Committed, ex => WriteFailed?.Invoke(ex), deferred: true);
    }

    /// <summary>Raised once if a batch cannot be committed; writing stops, lookups still see this run's rows.</summary>
    internal event Action<SqliteException>? WriteFailed;

    /// <summary>The journal file.</summary>
    public string Path { get; }

    /// <summary>Opens (creating if needed) the journal of <paramref name="outputDirectory"/>.</summary>
    /// <remarks>
    /// Only the links that <c>.haul</c> refuses are checked here: the file itself is opened (and
    /// created, with its schema) by the first lookup that needs it or when the first rows are due.
    /// </remarks>
    public static DownloadJournal Open(string outputDirectory) => new(outputDirectory);

    /// <summary>The journal path of an output directory, whether or not it exists.</summary>
    public static string PathFor(string outputDirectory) => System.IO.Path.Combine(outputDirectory, FolderName, FileName);

    /// <summary>What the journal knows of <paramref name="url"/>, as of the last committed batch.</summary>
    public JournalEntry? Find(string url) =>
        _pending.FindByKey(url) ?? (_startedEmpty ? null : Open().Query(r => r.FindByUrl, url).FirstOrDefault());

    /// <summary>The newest entry of <paramref name="url"/>, written by this run or an earlier one.</summary>
    internal JournalEntry? FindLatest(string url) => _pending.FindByKey(url) ?? OpenIfThere()?.Query(r => r.FindByUrl, url).FirstOrDefault();

    /// <summary>The entry whose target is <paramref name="relativePath"/>, if any, from earlier runs.</summary>
    public JournalEntry? FindByPath(string relativePath) => _startedEmpty ? null : Open().Query(r => r.FindByPath, relativePath).FirstOrDefault();

    /// <summary>Done entries with this content, the ones not committed yet first.</summary>
    public IReadOnlyList<JournalEntry> FindBySha256(string sha256) =>
        [.. _pending.FindBySecondary(sha256).Where(entry => entry.State == JournalState.Done), .. OpenIfThere()?.Query(r => r.FindBySha, sha256) ?? []];

    /// <summary>Queues an upsert of <paramref name="entry"/>; it is committed with the next batch, and visible to lookups at once.</summary>
    /// <remarks>A row past <c>queued</c> comes from a transfer that got an answer or ended: from then on batches are written.</remarks>
    public void Record(JournalEntry entry)
    {
        _pending.Add(entry);
        _writer.Enqueue(entry);
        if (entry.State != JournalState.Queued)
        {
            _writer.Start();
        }
    }

    /// <summary>
    /// A transfer got its answer: the file may be opened (created, given its schema) now, beside
    /// the body's bytes, rather than after them. Never before a request has left.
    /// </summary>
    internal void BeginWriting() => _writer.Start();

    /// <summary>Reads the entries matching <paramref name="filter"/>, ordered by path.</summary>
    public static async IAsyncEnumerable<JournalEntry> ReadAsync(
        string journalPath,
        JournalFilter filter,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await using var connection = SqliteFiles.Open(journalPath, readOnly: true);
        await using var command = connection.CreateCommand();
        command.CommandText = $"SELECT {Columns} FROM downloads" + filter switch
        {
            JournalFilter.Done => " WHERE state = 'done'",
            JournalFilter.Failed => " WHERE state = 'failed'",
            JournalFilter.Pending => " WHERE state IN ('queued', 'active')",
            _ => string.Empty,
        } + " ORDER BY path";
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            yield return ReadEntry(reader);
        }
    }

    /// <summary>Commits every queued write and closes the journal.</summary>
    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        if (!_writer.Opened && _reader is null)
        {
            // Nothing was looked up or written: the run still leaves its journal, as `haul list` expects.
            try
            {
                await OpenForWriting().DisposeAsync().ConfigureAwait(false);
            }
            catch (SqliteException ex)
            {
                WriteFailed?.Invoke(ex);
            }
            catch (IOException ex)
            {
                WriteFailed?.Invoke(new SqliteException(ex.Message, 14));
            }
        }

        if (_reader is { } reader)
        {
            await reader.Lookup.DisposeAsync().ConfigureAwait(false);
        }
    }

    internal static string StateName(JournalState state) => state switch
    {
        JournalState.Queued => "queued",
        JournalState.Active => "active",
        JournalState.Done => "done",
        _ => "failed",
    };

    /// <summary>Creates the file and its schema if needed; the writer's connection.</summary>
    private SqliteConnection OpenForWriting()
    {
        lock (_openLock)
        {
            var connection = SqliteFiles.Open(HaulFolder.Prepare(_outputDirectory, FileName));
            try
            {
                CreateSchema(connection);
            }
            catch
            {
                connection.Dispose();
                throw;
            }

            return connection;
        }
    }

    /// <summary>The read side, opened (with the file and its schema, if new) by the first lookup that needs it.</summary>
    private Reader Open()
    {
        if (Volatile.Read(ref _reader) is { } reader)
        {
            return reader;
        }

        lock (_openLock)
        {
            if (_reader is null)
            {
                // One connection: the schema (the file may be new, or hold only `haul serve`'s queue) is made on the read side.
                var lookup = new SqliteLookup<JournalEntry>(HaulFolder.Prepare(_outputDirectory, FileName), ReadEntry);
                try
                {
                    lookup.Execute(Schema);
                    Volatile.Write(ref _reader, new Reader(
                        lookup,
                        lookup.Prepare($"SELECT {Columns} FROM downloads WHERE url = $value"),
                        lookup.Prepare($"SELECT {Columns} FROM downloads WHERE path = $value LIMIT 1"),
                        lookup.Prepare($"SELECT {Columns} FROM downloads WHERE sha256 = $value AND state = 'done' LIMIT 8")));
                }
                catch
                {
                    lookup.DisposeAsync().AsTask().GetAwaiter().GetResult();
                    throw;
                }
            }

            return _reader!;
        }
    }

    /// <summary>The read side if there is a file to read (this run's, or another process's); null while there is none.</summary>
    private Reader? OpenIfThere() => Volatile.Read(ref _reader) ?? (File.Exists(Path) ? Open() : null);

    private static void CreateSchema(SqliteConnection connection) => SqliteFiles.Execute(connection, Schema);

    private const string Schema = """
        CREATE TABLE IF NOT EXISTS downloads (
            url TEXT PRIMARY KEY NOT NULL,
            path TEXT NOT NULL,
            state TEXT NOT NULL,
            size INTEGER,
            sha256 TEXT,
            etag TEXT,
            last_modified TEXT,
            attempts INTEGER NOT NULL DEFAULT 0,
            error_kind TEXT,
            error TEXT,
            actions TEXT,
            updated_at TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS downloads_path ON downloads(path);
        CREATE INDEX IF NOT EXISTS downloads_sha256 ON downloads(sha256);
        """;

    private const string UpsertSql = $"""
        INSERT INTO downloads ({Columns})
        VALUES ($url, $path, $state, $size, $sha256, $etag, $last_modified, $attempts, $error_kind, $error, $actions, $updated_at)
        ON CONFLICT(url) DO UPDATE SET
            path = excluded.path, state = excluded.state, size = excluded.size, sha256 = excluded.sha256,
            etag = excluded.etag, last_modified = excluded.last_modified, attempts = excluded.attempts,
            error_kind = excluded.error_kind, error = excluded.error, actions = excluded.actions,
            updated_at = excluded.updated_at
        """;

    // A file that is done at a path is that URL's alone: any other URL's row for the same path
    // (its file was replaced, as --allow-overwrite does) would let a later run skip that URL
    // with its old digest over this file's bytes. It is forgotten, so that URL is planned anew.
    private const string DisplacedSql = "DELETE FROM downloads WHERE path = $path AND url <> $url";

    private void WriteBatch(SqliteTransaction transaction, IReadOnlyList<JournalEntry> entries)
    {
        // Prepared once a batch and run once a row on the connection's own handle, inside the
        // batch's transaction: a command run per row made about 1.5 KB of objects per file.
        using var upsert = new SqliteStatement(transaction.Connection!, UpsertSql);
        using var displaced = new SqliteStatement(transaction.Connection!, DisplacedSql);
        var url = upsert.IndexOf("$url");
        var path = upsert.IndexOf("$path");
        var state = upsert.IndexOf("$state");
        var size = upsert.IndexOf("$size");
        var sha256 = upsert.IndexOf("$sha256");
        var etag = upsert.IndexOf("$etag");
        var lastModified = upsert.IndexOf("$last_modified");
        var attempts = upsert.IndexOf("$attempts");
        var errorKind = upsert.IndexOf("$error_kind");
        var error = upsert.IndexOf("$error");
        var actions = upsert.IndexOf("$actions");
        var updatedAt = upsert.IndexOf("$updated_at");
        var displacedPath = displaced.IndexOf("$path");
        var displacedUrl = displaced.IndexOf("$url");

        foreach (var entry in entries)
        {
            // Only a URL's newest row matters. A row already superseded by a later Record (a small
            // file's "queued", once it is "done") is skipped; the newer row follows in this batch
            // or the next, and a crash in between loses nothing the next run cannot see on disk.
            if (!ReferenceEquals(_pending.FindByKey(entry.Url), entry))
            {
                continue;
            }

            upsert.Bind(url, entry.Url);
            upsert.Bind(path, entry.Path);
            upsert.Bind(state, StateName(entry.State));
            upsert.Bind(size, entry.Size);
            upsert.Bind(sha256, entry.Sha256);
            upsert.Bind(etag, entry.ETag);
            upsert.Bind(lastModified, entry.LastModified?.ToString("O", CultureInfo.InvariantCulture));
            upsert.Bind(attempts, entry.Attempts);
            upsert.Bind(errorKind, entry.ErrorKind);
            upsert.Bind(error, entry.Error);
            upsert.Bind(actions, entry.Actions);
            upsert.Bind(updatedAt, entry.UpdatedAt.ToString("O", CultureInfo.InvariantCulture));
            upsert.Run();
            if (entry.State == JournalState.Done)
            {
                displaced.Bind(displacedPath, entry.Path);
                displaced.Bind(displacedUrl, entry.Url);
                displaced.Run();
            }
        }
    }

    private static JournalEntry ReadEntry(SqliteDataReader reader) => new()
    {
        Url = reader.GetString(0),
        Path = reader.GetString(1),
        State = reader.GetString(2) switch
        {
            "queued" => JournalState.Queued,
            "active" => JournalState.Active,
            "done" => JournalState.Done,
            _ => JournalState.Failed,
        },
        Size = reader.IsDBNull(3) ? null : reader.GetInt64(3),
        Sha256 = reader.IsDBNull(4) ? null : reader.GetString(4),
        ETag = reader.IsDBNull(5) ? null : reader.GetString(5),
        LastModified = reader.IsDBNull(6) ? null : DateTimeOffset.Parse(reader.GetString(6), CultureInfo.InvariantCulture),
        Attempts = reader.GetInt32(7),
        ErrorKind = reader.IsDBNull(8) ? null : reader.GetString(8),
        Error = reader.IsDBNull(9) ? null : reader.GetString(9),
        Actions = reader.IsDBNull(10) ? null : reader.GetString(10),
        UpdatedAt = DateTimeOffset.Parse(reader.GetString(11), CultureInfo.InvariantCulture),
    };

    private sealed record Reader(SqliteLookup<JournalEntry> Lookup, SqliteCommand FindByUrl, SqliteCommand FindByPath, SqliteCommand FindBySha)
    {
        public List<JournalEntry> Query(Func<Reader, SqliteCommand> command, string value) => Lookup.Query(command(this), value);
    }
}
