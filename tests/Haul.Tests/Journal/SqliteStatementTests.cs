using Haul.Journal;
using Microsoft.Data.Sqlite;

namespace Haul.Tests.Journal;

/// <summary>The raw prepared statement the journal writes its rows with, against a real SQLite.</summary>
public sealed class SqliteStatementTests
{
    [Theory]
    [InlineData("plain")]
    [InlineData("")]
    [InlineData("é, 日本, 🦀 and a\0nul")]
    public void Bind_Text_ReadBackAsTheSameText(string value)
    {
        using var connection = OpenWithTable();
        using (var insert = new SqliteStatement(connection, "INSERT INTO t (k, v) VALUES ($k, $v)"))
        {
            insert.Bind(insert.IndexOf("$k"), "a");
            insert.Bind(insert.IndexOf("$v"), value);
            insert.Run();
        }

        Scalar(connection, "SELECT typeof(v) FROM t WHERE k = 'a'").ShouldBe("text");
        Scalar(connection, "SELECT v FROM t WHERE k = 'a'").ShouldBe(value);
    }

    [Theory]
    [InlineData("lone \uD800 high")]
    [InlineData("lone \uDC00 low")]
    [InlineData("\uDBFF")]
    public void Bind_LoneSurrogate_StoredAsACommandStoresIt(string value)
    {
        // The journal's lookups bind through SqliteCommand: a row must hold what they will look for.
        using var connection = OpenWithTable();
        using (var command = connection.CreateCommand())
        {
            command.CommandText = "INSERT INTO t (k, v) VALUES ('command', $v)";
            command.Parameters.AddWithValue("$v", value);
            command.ExecuteNonQuery();
        }

        using (var insert = new SqliteStatement(connection, "INSERT INTO t (k, v) VALUES ($k, $v)"))
        {
            insert.Bind(insert.IndexOf("$k"), "statement");
            insert.Bind(insert.IndexOf("$v"), value);
            insert.Run();
        }

        Scalar(connection, "SELECT hex(v) FROM t WHERE k = 'statement'").ShouldBe(Scalar(connection, "SELECT hex(v) FROM t WHERE k = 'command'"));
        using var lookup = connection.CreateCommand();
        lookup.CommandText = "SELECT count(*) FROM t WHERE v = $v";
        lookup.Parameters.AddWithValue("$v", value);
        Convert.ToInt64(lookup.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture).ShouldBe(2);
    }

    [Fact]
    public void Bind_LongText_ReadBackWhole()
    {
        var value = string.Concat(Enumerable.Repeat("0123456789abcdef", 64 * 1024));
        using var connection = OpenWithTable();
        using (var insert = new SqliteStatement(connection, "INSERT INTO t (k, v) VALUES ($k, $v)"))
        {
            insert.Bind(insert.IndexOf("$k"), "long");
            insert.Bind(insert.IndexOf("$v"), value);
            insert.Run();
        }

        Scalar(connection, "SELECT v FROM t WHERE k = 'long'").ShouldBe(value);
    }

    [Fact]
    public void Bind_NullsAndIntegers_StoredAsNullAndInteger()
    {
        using var connection = OpenWithTable();
        using (var insert = new SqliteStatement(connection, "INSERT INTO t (k, v, n) VALUES ($k, $v, $n)"))
        {
            insert.Bind(insert.IndexOf("$k"), "a");
            insert.Bind(insert.IndexOf("$v"), (string?)null);
            insert.Bind(insert.IndexOf("$n"), long.MaxValue);
            insert.Run();
            insert.Bind(insert.IndexOf("$k"), "b");
            insert.Bind(insert.IndexOf("$v"), "x");
            insert.Bind(insert.IndexOf("$n"), (long?)null);
            insert.Run();
        }

        Scalar(connection, "SELECT typeof(v) || ',' || n FROM t WHERE k = 'a'").ShouldBe($"null,{long.MaxValue}");
        Scalar(connection, "SELECT v || ',' || typeof(n) FROM t WHERE k = 'b'").ShouldBe("x,null");
    }

    [Fact]
    public void Run_ConstraintFails_SqliteExceptionAndTheStatementRunsAgain()
    {
        using var connection = OpenWithTable();
        using var insert = new SqliteStatement(connection, "INSERT INTO t (k, v) VALUES ($k, $v)");
        insert.Bind(insert.IndexOf("$k"), "a");
        insert.Bind(insert.IndexOf("$v"), "first");
        insert.Run();

        // The same key again breaks the primary key: told as SQLite's constraint error (19).
        var failure = Should.Throw<SqliteException>(insert.Run);
        failure.SqliteErrorCode.ShouldBe(19);
        failure.Message.ShouldContain("UNIQUE");

        insert.Bind(insert.IndexOf("$k"), "b");
        insert.Bind(insert.IndexOf("$v"), "second");
        insert.Run();
        Scalar(connection, "SELECT group_concat(k || '=' || v, ';') FROM (SELECT k, v FROM t ORDER BY k)").ShouldBe("a=first;b=second");
    }

    [Fact]
    public void Constructor_BadSql_SqliteException()
    {
        using var connection = OpenWithTable();

        Should.Throw<SqliteException>(() => new SqliteStatement(connection, "INSERT INTO nowhere VALUES (1)")).SqliteErrorCode.ShouldBe(1);
    }

    [Fact]
    public void IndexOf_UnknownName_ArgumentException()
    {
        using var connection = OpenWithTable();
        using var insert = new SqliteStatement(connection, "INSERT INTO t (k) VALUES ($k)");

        Should.Throw<ArgumentException>(() => insert.IndexOf("$missing")).Message.ShouldContain("$missing");
    }

    [Fact]
    public void Run_InsideATransactionRolledBack_NothingStays()
    {
        using var connection = OpenWithTable();
        using (var transaction = connection.BeginTransaction())
        {
            using var insert = new SqliteStatement(connection, "INSERT INTO t (k) VALUES ($k)");
            insert.Bind(insert.IndexOf("$k"), "a");
            insert.Run();
            Scalar(connection, "SELECT count(*) FROM t", transaction).ShouldBe("1");
            transaction.Rollback();
        }

        Scalar(connection, "SELECT count(*) FROM t").ShouldBe("0");
    }

    private static SqliteConnection OpenWithTable()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        SqliteFiles.Execute(connection, "CREATE TABLE t (k TEXT PRIMARY KEY NOT NULL, v TEXT, n INTEGER)");
        return connection;
    }

    private static string? Scalar(SqliteConnection connection, string sql, SqliteTransaction? transaction = null)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        return Convert.ToString(command.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
    }
}
