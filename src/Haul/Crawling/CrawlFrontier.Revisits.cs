using System.Globalization;
using Haul.Journal;
using Microsoft.Data.Sqlite;

namespace Haul.Crawling;

/// <summary>
/// What a finished crawl remembers for the next run: when it finished, and each page's validators
/// (ETag, Last-Modified), so that <c>--check-updates</c> revisits pages with conditional requests.
/// </summary>
internal sealed partial class CrawlFrontier
{
    private static readonly string[] PageValidatorColumns = ["etag", "last_modified"];

    /// <summary>When the crawl last ended with nothing left to do, and how many pictures it has; null if it never did.</summary>
    public CrawlFinished? Finished()
    {
        lock (_lock)
        {
            using var command = _connection.CreateCommand();
            command.CommandText = "SELECT value FROM crawl_meta WHERE key = 'finished_at'";
            if (command.ExecuteScalar() is not string text
                || !DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at))
            {
                return null;
            }

            command.CommandText = "SELECT COUNT(*) FROM images WHERE state = 1";
            return new CrawlFinished(at, Convert.ToInt64(command.ExecuteScalar(), CultureInfo.InvariantCulture));
        }
    }

    /// <summary>True when no page is pending and every picture found was downloaded.</summary>
    public bool NothingLeft() =>
        Scalar("SELECT (SELECT COUNT(*) FROM pages WHERE state = 0) + (SELECT COUNT(*) FROM images WHERE state = 0)") == 0;

    public void MarkFinished(DateTimeOffset at) =>
        Execute("INSERT INTO crawl_meta (key, value) VALUES ('finished_at', $1) ON CONFLICT(key) DO UPDATE SET value = excluded.value", at.ToString("O", CultureInfo.InvariantCulture));

    /// <summary>Every visited page becomes pending again; its validators make the revisit conditional.</summary>
    public int ReviveFinishedPages() => Execute("UPDATE pages SET state = 0 WHERE state = 1");

    /// <summary>Every downloaded picture is requested again, which the engine makes a conditional request.</summary>
    public int ReviveFinishedImages() => Execute("UPDATE images SET state = 0 WHERE state = 1");

    // Databases made before validators were kept get the columns; old rows simply have none.
    private void AddValidatorColumns()
    {
        var present = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
        using (var info = _connection.CreateCommand())
        {
            info.CommandText = "PRAGMA table_info(pages)";
            using var reader = info.ExecuteReader();
            while (reader.Read())
            {
                present.Add(reader.GetString(1));
            }
        }

        foreach (var column in PageValidatorColumns.Where(column => !present.Contains(column)))
        {
            SqliteFiles.Execute(_connection, $"ALTER TABLE pages ADD COLUMN {column} TEXT");
        }

        SqliteFiles.Execute(_connection, "CREATE TABLE IF NOT EXISTS crawl_meta (key TEXT PRIMARY KEY NOT NULL, value TEXT NOT NULL)");
    }

    private static void SetValidators(SqliteTransaction transaction, SqliteConnection connection, FrontierPage page)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "UPDATE pages SET etag = $etag, last_modified = $modified WHERE key = $key";
        command.Parameters.AddWithValue("$etag", (object?)page.ETag ?? DBNull.Value);
        command.Parameters.AddWithValue("$modified", (object?)page.LastModified ?? DBNull.Value);
        command.Parameters.AddWithValue("$key", page.Key);
        command.ExecuteNonQuery();
    }
}
