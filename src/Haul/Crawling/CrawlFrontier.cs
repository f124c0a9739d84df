using Haul.Journal;
using Microsoft.Data.Sqlite;

namespace Haul.Crawling;

/// <summary>
/// The crawl's frontier and seen-sets, in <c>DIR/.haul/crawl.db</c>: pages to visit (and visited),
/// pictures found (and downloaded). A million-page crawl keeps them on disk, not in memory, and a
/// killed crawl run again continues where it stopped: pending pages are fetched, pictures found but
/// not downloaded are requested again, nothing done is repeated.
/// </summary>
internal sealed partial class CrawlFrontier : ICrawlFrontier, IFlatNames, IDisposable
{
    private const int MaxPageAttempts = 3;
    private readonly SqliteConnection _connection;
    private readonly Lock _lock = new();
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, int> _attempts = new(StringComparer.Ordinal);

    public CrawlFrontier(string directory)
    {
        _connection = SqliteFiles.Open(HaulFolder.Prepare(directory, "crawl.db"));
        SqliteFiles.Execute(_connection, """
            CREATE TABLE IF NOT EXISTS pages (
                key TEXT PRIMARY KEY NOT NULL, url TEXT NOT NULL, depth INTEGER NOT NULL,
                seed TEXT NOT NULL, state INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS pages_state ON pages(state);
            CREATE TABLE IF NOT EXISTS images (
                key TEXT PRIMARY KEY NOT NULL, url TEXT NOT NULL, directory TEXT, page TEXT NOT NULL,
                alt TEXT, title TEXT, state INTEGER NOT NULL);
            CREATE INDEX IF NOT EXISTS images_state ON images(state);
            CREATE TABLE IF NOT EXISTS flat_names (
                name TEXT PRIMARY KEY NOT NULL COLLATE NOCASE, key TEXT NOT NULL UNIQUE, plain INTEGER NOT NULL);
            """);
        AddValidatorColumns();
    }

    /// <summary>Adds a page unless it was seen before; true when it is new.</summary>
    public bool AddPage(FrontierPage page) => Execute(
        "INSERT OR IGNORE INTO pages (key, url, depth, seed, state) VALUES ($1, $2, $3, $4, 0)",
        page.Key, page.Url, page.Depth, page.Seed) == 1;

    public void PageDone(string key) => Execute("UPDATE pages SET state = 1 WHERE key = $1", key);

    /// <summary>
    /// Everything a parsed page yields, in one transaction: its pictures and links join the
    /// seen-sets and the page is done. Returns the pictures that were not seen before.
    /// </summary>
    public List<FrontierImage> RecordPage(string pageKey, IReadOnlyList<FrontierImage> images, IReadOnlyList<FrontierPage> links) =>
        RecordPage(new FrontierPage(pageKey, "", 0, ""), images, links);

    /// <summary>As <see cref="RecordPage(string, IReadOnlyList{FrontierImage}, IReadOnlyList{FrontierPage})"/>, keeping the page's validators.</summary>
    public List<FrontierImage> RecordPage(FrontierPage page, IReadOnlyList<FrontierImage> images, IReadOnlyList<FrontierPage> links)
    {
        var pageKey = page.Key;
        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            var fresh = new List<FrontierImage>();
            using (var insertImage = Command(transaction, "INSERT OR IGNORE INTO images (key, url, directory, page, alt, title, state) VALUES ($1, $2, $3, $4, $5, $6, 0)", 6))
            {
                foreach (var image in images)
                {
                    if (Run(insertImage, image.Key, image.Url, image.Directory, image.Page, image.Alt, image.Title) == 1)
                    {
                        fresh.Add(image);
                    }
                }
            }

            using (var insertPage = Command(transaction, "INSERT OR IGNORE INTO pages (key, url, depth, seed, state) VALUES ($1, $2, $3, $4, 0)", 4))
            {
                foreach (var link in links)
                {
                    Run(insertPage, link.Key, link.Url, link.Depth, link.Seed);
                }
            }

            using (var done = Command(transaction, "UPDATE pages SET state = 1 WHERE key = $1", 1))
            {
                Run(done, pageKey);
            }

            SetValidators(transaction, _connection, page);

            transaction.Commit();
            return fresh;
        }
    }

    ValueTask ICrawlFrontier.AddPageAsync(FrontierPage page, CancellationToken cancellationToken)
    {
        AddPage(page);
        return ValueTask.CompletedTask;
    }

    ValueTask ICrawlFrontier.PageDoneAsync(FrontierPage page, CancellationToken cancellationToken)
    {
        PageDone(page.Key);
        return ValueTask.CompletedTask;
    }

    ValueTask<IReadOnlyList<FrontierImage>> ICrawlFrontier.RecordPageAsync(FrontierPage page, IReadOnlyList<FrontierImage> images, IReadOnlyList<FrontierPage> links, CancellationToken cancellationToken) =>
        ValueTask.FromResult<IReadOnlyList<FrontierImage>>(RecordPage(page, images, links));

    /// <summary>The page stays pending for the walk to pick again, until its last attempt in this run.</summary>
    ValueTask ICrawlFrontier.RetryLaterAsync(FrontierPage page, CancellationToken cancellationToken)
    {
        if (_attempts.AddOrUpdate(page.Key, 1, (_, count) => count + 1) >= MaxPageAttempts)
        {
            PageDone(page.Key);
        }

        return ValueTask.CompletedTask;
    }

    /// <summary>Marks downloaded pictures, many per transaction.</summary>
    public void ImagesDone(IReadOnlyCollection<string> keys)
    {
        if (keys.Count == 0)
        {
            return;
        }

        lock (_lock)
        {
            using var transaction = _connection.BeginTransaction();
            using var update = Command(transaction, "UPDATE images SET state = 1 WHERE key = $1", 1);
            foreach (var key in keys)
            {
                Run(update, key);
            }

            transaction.Commit();
        }
    }

    public int PagesVisited() => (int)Scalar("SELECT COUNT(*) FROM pages WHERE state = 1");

    /// <summary>Pending pages, oldest first, leaving out those already being fetched.</summary>
    public List<FrontierPage> PendingPages(int limit, IReadOnlySet<string> skip)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT key, url, depth, seed, etag, last_modified FROM pages WHERE state = 0 ORDER BY rowid LIMIT $limit";
            command.Parameters.AddWithValue("$limit", limit + skip.Count);
            using var reader = command.ExecuteReader();
            var pages = new List<FrontierPage>();
            while (reader.Read() && pages.Count < limit)
            {
                var page = new FrontierPage(reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetString(3))
                {
                    ETag = NullableString(reader, 4),
                    LastModified = NullableString(reader, 5),
                };
                if (!skip.Contains(page.Key))
                {
                    pages.Add(page);
                }
            }

            return pages;
        }
    }

    /// <summary>Pictures found by an earlier run whose download did not finish.</summary>
    public IEnumerable<FrontierImage> UnfinishedImages()
    {
        long after = 0;
        while (true)
        {
            var batch = new List<(long RowId, FrontierImage Image)>();
            lock (_lock)
            {
                using var command = _connection.CreateCommand();
                command.CommandText = "SELECT rowid, key, url, directory, page, alt, title FROM images WHERE state = 0 AND rowid > $after ORDER BY rowid LIMIT 500";
                command.Parameters.AddWithValue("$after", after);
                using var reader = command.ExecuteReader();
                while (reader.Read())
                {
                    batch.Add((reader.GetInt64(0), new FrontierImage(
                        reader.GetString(1), reader.GetString(2), NullableString(reader, 3), reader.GetString(4), NullableString(reader, 5), NullableString(reader, 6))));
                }
            }

            if (batch.Count == 0)
            {
                yield break;
            }

            foreach (var (rowId, image) in batch)
            {
                after = rowId;
                yield return image;
            }
        }
    }

    /// <inheritdoc/>
    public string? NameFor(string key, Uri url)
    {
        lock (_lock)
        {
            using (var known = _connection.CreateCommand())
            {
                known.CommandText = "SELECT name, plain FROM flat_names WHERE key = $key";
                known.Parameters.AddWithValue("$key", key);
                using var reader = known.ExecuteReader();
                if (reader.Read())
                {
                    return reader.GetInt64(1) == 1 ? null : reader.GetString(0);
                }
            }

            var plain = true;
            foreach (var name in FlatName.Candidates(key, url))
            {
                using var claim = _connection.CreateCommand();
                claim.CommandText = "INSERT OR IGNORE INTO flat_names (name, key, plain) VALUES ($name, $key, $plain)";
                claim.Parameters.AddWithValue("$name", name);
                claim.Parameters.AddWithValue("$key", key);
                claim.Parameters.AddWithValue("$plain", plain ? 1 : 0);
                if (claim.ExecuteNonQuery() == 1)
                {
                    return plain ? null : name;
                }

                plain = false;
            }

            return null;
        }
    }

    public void Dispose() => _connection.Dispose();

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private int Execute(string sql, params object?[] values)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            for (var i = 0; i < values.Length; i++)
            {
                command.Parameters.AddWithValue($"${i + 1}", values[i] ?? DBNull.Value);
            }

            return command.ExecuteNonQuery();
        }
    }

    private SqliteCommand Command(SqliteTransaction transaction, string sql, int parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        for (var i = 1; i <= parameters; i++)
        {
            command.Parameters.Add($"${i}", SqliteType.Text);
        }

        command.Prepare();
        return command;
    }

    private static int Run(SqliteCommand command, params object?[] values)
    {
        for (var i = 0; i < values.Length; i++)
        {
            command.Parameters[i].Value = values[i] ?? DBNull.Value;
        }

        return command.ExecuteNonQuery();
    }

    private long Scalar(string sql)
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = sql;
            return Convert.ToInt64(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }
    }
}
