using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Haul.Journal;

/// <summary>
/// A SQLite file shared across runs and output directories (<c>--archive FILE</c>): every URL
/// downloaded, by normalized URL, with its SHA-256, size and path. A URL in it is skipped before
/// any request; its SHA-256 index lets <c>--dedupe</c> find a first copy of the same content.
/// </summary>
internal sealed class DownloadArchive : IAsyncDisposable
{
    private readonly SqliteLookup<ArchiveEntry> _lookup;
    private readonly SqliteCommand _findByKey;
    private readonly SqliteCommand _findBySha;
    private readonly BatchedWriter<ArchiveEntry> _writer;
    private readonly PendingWrites<ArchiveEntry> _pending = new(entry => entry.Key, entry => entry.Sha256);

    public DownloadArchive(string path)
    {
        var directory = Path.GetDirectoryName(Path.GetFullPath(path));
        if (directory is not null)
        {
            Directory.CreateDirectory(directory);
        }

        var writeConnection = SqliteFiles.Open(path);
        SqliteFiles.Execute(writeConnection, """
            CREATE TABLE IF NOT EXISTS archive (
                key TEXT PRIMARY KEY NOT NULL,
                url TEXT NOT NULL,
                sha256 TEXT NOT NULL,
                size INTEGER NOT NULL,
                path TEXT NOT NULL,
                added_at TEXT NOT NULL
            );
            CREATE INDEX IF NOT EXISTS archive_sha256 ON archive(sha256);
            """);
        _writer = new BatchedWriter<ArchiveEntry>(writeConnection, WriteBatch, _pending.Committed);
        _lookup = new SqliteLookup<ArchiveEntry>(path, ReadEntry);
        _findByKey = _lookup.Prepare("SELECT key, url, sha256, size, path, added_at FROM archive WHERE key = $value");
        _findBySha = _lookup.Prepare("SELECT key, url, sha256, size, path, added_at FROM archive WHERE sha256 = $value");
    }

    public ArchiveEntry? Find(string key) => _pending.FindByKey(key) ?? _lookup.Query(_findByKey, key).FirstOrDefault();

    /// <summary>Entries with this content, newest writes first.</summary>
    public IReadOnlyList<ArchiveEntry> FindBySha256(string sha256) => [.. _pending.FindBySecondary(sha256), .. _lookup.Query(_findBySha, sha256)];

    public void Record(ArchiveEntry entry)
    {
        _pending.Add(entry);
        _writer.Enqueue(entry);
    }

    public async ValueTask DisposeAsync()
    {
        await _writer.DisposeAsync().ConfigureAwait(false);
        await _lookup.DisposeAsync().ConfigureAwait(false);
    }

    private static ArchiveEntry ReadEntry(SqliteDataReader reader) => new(
        reader.GetString(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetInt64(3),
        reader.GetString(4),
        DateTimeOffset.Parse(reader.GetString(5), CultureInfo.InvariantCulture));

    private static void WriteBatch(SqliteTransaction transaction, IReadOnlyList<ArchiveEntry> entries)
    {
        using var command = transaction.Connection!.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = """
            INSERT INTO archive (key, url, sha256, size, path, added_at) VALUES ($key, $url, $sha256, $size, $path, $added_at)
            ON CONFLICT(key) DO UPDATE SET url = excluded.url, sha256 = excluded.sha256, size = excluded.size,
                path = excluded.path, added_at = excluded.added_at
            """;
        var key = command.Parameters.Add("$key", SqliteType.Text);
        var url = command.Parameters.Add("$url", SqliteType.Text);
        var sha = command.Parameters.Add("$sha256", SqliteType.Text);
        var size = command.Parameters.Add("$size", SqliteType.Integer);
        var path = command.Parameters.Add("$path", SqliteType.Text);
        var added = command.Parameters.Add("$added_at", SqliteType.Text);
        command.Prepare();
        foreach (var entry in entries)
        {
            key.Value = entry.Key;
            url.Value = entry.Url;
            sha.Value = entry.Sha256;
            size.Value = entry.Size;
            path.Value = entry.Path;
            added.Value = entry.AddedAt.ToString("O", CultureInfo.InvariantCulture);
            command.ExecuteNonQuery();
        }
    }
}
