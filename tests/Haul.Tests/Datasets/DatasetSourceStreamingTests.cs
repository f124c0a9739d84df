using System.Diagnostics;
using System.Text;
using Haul.Datasets;

namespace Haul.Tests.Datasets;

/// <summary>
/// The input is a named pipe whose writer holds back the rest of the table until the first sample
/// has been read: a reader that loaded the whole input first would never yield it.
/// </summary>
public sealed class DatasetSourceStreamingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("haul-dataset-fifo-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Theory]
    [InlineData("txt", "http://a.test/1.jpg\n", "http://a.test/2.jpg\n")]
    [InlineData("csv", "url,caption\nhttp://a.test/1.jpg,one\n", "http://a.test/2.jpg,two\n")]
    [InlineData("jsonl", "{\"url\":\"http://a.test/1.jpg\"}\n", "{\"url\":\"http://a.test/2.jpg\"}\n")]
    [InlineData("json", "[{\"url\":\"http://a.test/1.jpg\"}", ",{\"url\":\"http://a.test/2.jpg\"}]")]
    public async Task ReadAsync_PipeHeldOpen_FirstSampleBeforeTheInputEnds(string formatName, string first, string rest)
    {
        var ct = TestContext.Current.CancellationToken;
        var fifo = Path.Combine(_dir, "input." + formatName);
        using (var mkfifo = Process.Start("mkfifo", [fifo]))
        {
            await mkfifo.WaitForExitAsync(ct);
            mkfifo.ExitCode.ShouldBe(0);
        }

        var firstRead = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var writer = Task.Run(async () =>
        {
            await using var pipe = new FileStream(fifo, FileMode.Open, FileAccess.Write);
            await pipe.WriteAsync(Encoding.UTF8.GetBytes(first), ct);
            await pipe.FlushAsync(ct);
            await firstRead.Task.WaitAsync(TimeSpan.FromSeconds(60), ct);
            await pipe.WriteAsync(Encoding.UTF8.GetBytes(rest), ct);
        }, ct);

        DatasetInputOptions.TryParseFormat(formatName, out var format, out _).ShouldBeTrue();
        var urls = new List<string>();
        await foreach (var sample in DatasetSource.ReadAsync(fifo, new DatasetInputOptions { Format = format }, ct).WithCancellation(ct))
        {
            urls.Add(sample.Url);
            firstRead.TrySetResult();
        }

        await writer;
        urls.ShouldBe(["http://a.test/1.jpg", "http://a.test/2.jpg"]);
    }
}
