using Haul.Journal;
using Microsoft.Data.Sqlite;

namespace Haul.Tests.Journal;

public sealed class BatchedWriterTests
{
    [Fact]
    public async Task Enqueue_BatchFails_ReportedOnceWritingStopsDisposeDoesNotThrow()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        var failures = new List<SqliteException>();
        var written = new List<string>();
        var failedOnce = new TaskCompletionSource();
        var writer = new BatchedWriter<string>(
            connection,
            (_, rows) =>
            {
                if (rows.Contains("bad"))
                {
                    throw new SqliteException("disk I/O error", 10);
                }

                written.AddRange(rows);
            },
            failed: ex =>
            {
                failures.Add(ex);
                failedOnce.TrySetResult();
            });

        writer.Enqueue("bad");
        await failedOnce.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        writer.Enqueue("after");
        await writer.DisposeAsync();

        failures.ShouldHaveSingleItem().Message.ShouldContain("disk I/O error");
        writer.Failed.ShouldBeTrue();
        written.ShouldBeEmpty();
    }

    [Fact]
    public async Task DisposeAsync_NoFailureHandler_Throws()
    {
        var connection = new SqliteConnection("Data Source=:memory:");
        connection.Open();
        var writer = new BatchedWriter<string>(connection, (_, _) => throw new SqliteException("disk I/O error", 10));

        writer.Enqueue("row");

        await Should.ThrowAsync<SqliteException>(async () => await writer.DisposeAsync());
    }
}
