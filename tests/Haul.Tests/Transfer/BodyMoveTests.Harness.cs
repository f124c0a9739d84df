using System.Collections.Concurrent;
using System.Globalization;
using Haul.Actions;
using Haul.Events;
using Haul.Progress;
using Haul.Scheduling;
using Haul.Storage;
using Haul.Tests.EndToEnd;
using Haul.Transfer;

namespace Haul.Tests.Transfer;

/// <summary>What the end-to-end move tests share: scripted replies, the exactness check, and a run with the transfer at hand.</summary>
public sealed partial class BodyMoveTests
{
    /// <summary>
    /// The file length past which these tests' bodies move: a few MiB instead of the 64 MiB of a
    /// real run (<see cref="PartCommit.ReadBackLimit"/>), so each test serves little.
    /// </summary>
    private const int MoveAbove = 1024 * 1024;

    private static DownloadOptions Options(string directory) => DownloaderHarness.Options(directory) with { UseJournal = false };

    private static string Ok(long length) =>
        $"HTTP/1.1 200 OK\r\nETag: {ETag}\r\nLast-Modified: Wed, 21 Oct 2015 07:28:00 GMT\r\nAccept-Ranges: bytes\r\nContent-Length: {length}";

    /// <summary>A 206 for <c>Range: bytes=FROM-</c>: the rest of <paramref name="body"/>.</summary>
    private static RawReply RangeReply(byte[] body, string range)
    {
        var from = int.Parse(range["bytes=".Length..^1], CultureInfo.InvariantCulture);
        return RawReply.Of(
            $"HTTP/1.1 206 Partial Content\r\nETag: {ETag}\r\nContent-Range: bytes {from}-{body.Length - 1}/{body.Length}\r\nContent-Length: {body.Length - from}",
            body[from..]);
    }

    private static byte[] Chunked(byte[] body, int chunkSize) =>
        [.. body.Chunk(chunkSize).SelectMany(Chunk), .. Latin1("0\r\n\r\n")];

    /// <summary>An ok result whose reported size and SHA-256, and whose file on disk, are exactly <paramref name="body"/>.</summary>
    private static void ShouldBeExact(DownloadResult result, byte[] body, string path)
    {
        result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
        result.Bytes.ShouldBe(body.Length);
        result.Sha256.ShouldBe(TestData.Sha256(body));
        new FileInfo(path).Length.ShouldBe(body.Length);
        TestData.FileSha256(path).ShouldBe(TestData.Sha256(body));
    }

    /// <summary>
    /// The library's scheduler and transfer over the real HTTP stack (the reply guard on every
    /// plain connection), with the transfer at hand: how many bytes it moved, which retries it made.
    /// </summary>
    private sealed class MoveSession : IDisposable
    {
        private readonly HttpClient _client;
        private readonly ActionPipeline _actions = new([], concurrency: 1);
        private readonly ResumableTransfer _transfer;
        private readonly DownloadScheduler _scheduler;
        private readonly ConcurrentQueue<DownloadRetrying> _retries = new();

        public MoveSession(DownloadOptions options, bool moveToFile = true)
        {
            _client = HttpClientFactory.Create(options);
            var tracker = new ProgressTracker(TimeProvider.System);
            var names = new NameReservations();
            var events = new EventHub(TimeProvider.System, logger: null, metrics: null);
            events.Raised += (_, e) =>
            {
                if (e is DownloadRetrying retrying)
                {
                    _retries.Enqueue(retrying);
                }
            };
            _transfer = new ResumableTransfer(_client, options, new RetryPolicy(options), names, tracker, null, null, null, TimeProvider.System, events)
            {
                MoveAbove = moveToFile ? MoveAbove : null,
            };
            _scheduler = new DownloadScheduler(options, new DownloadPlanner(options, names, null, events), _transfer, _actions, null, tracker, TimeProvider.System, events: events);
        }

        public long BytesMoved => _transfer.BytesMoved;

        public IReadOnlyList<DownloadRetrying> Retries => [.. _retries];

        public async Task<List<DownloadResult>> RunAsync(CancellationToken cancellationToken, params DownloadRequest[] requests)
        {
            var results = new List<DownloadResult>();
            await foreach (var result in _scheduler.RunAsync(requests.ToAsyncEnumerable(), cancellationToken))
            {
                results.Add(result);
            }

            return results;
        }

        public void Dispose()
        {
            _actions.Dispose();
            _client.Dispose();
        }
    }
}
