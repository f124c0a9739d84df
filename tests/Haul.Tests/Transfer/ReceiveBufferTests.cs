using System.Buffers;
using System.Collections.Concurrent;
using System.Net;
using System.Runtime.InteropServices;
using Haul.Actions;
using Haul.Progress;
using Haul.Scheduling;
using Haul.Storage;
using Haul.Tests.EndToEnd;
using Haul.Transfer;

namespace Haul.Tests.Transfer;

/// <summary>The receive buffers of <see cref="ResumableTransfer"/>: none goes back to the pool while a read may still fill it.</summary>
public sealed class ReceiveBufferTests
{
    [Fact]
    public async Task CopyBody_WriteFailsWhileReadPending_BufferOfThePendingReadNeverGoesBackToThePool()
    {
        using var temp = new TempDirectory();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var body = new LateReadBody(stop);
        var pool = new RecordingPool();
        var options = DownloaderHarness.Options(temp.Out) with { BufferSize = 1024, UseJournal = false, Retries = 0 };
        using var client = new HttpClient(new BodyHandler(body));
        var tracker = new ProgressTracker(TimeProvider.System);
        var names = new NameReservations();
        var transfer = new ResumableTransfer(client, options, new RetryPolicy(options), names, tracker, null, null, null, null, TimeProvider.System)
        {
            ReceivePool = pool,
        };
        using var actions = new ActionPipeline([], concurrency: 1);
        var scheduler = new DownloadScheduler(options, new DownloadPlanner(options, names, null, null), transfer, actions, null, null, tracker, TimeProvider.System);

        // The read left pending cancels the run: the write made while it waits (the one that
        // passes the metadata threshold) fails, and the transfer unwinds with the read running.
        var run = Task.Run(async () =>
        {
            await foreach (var _ in scheduler.RunAsync(new[] { new DownloadRequest("http://127.0.0.1:9/big.bin") }.ToAsyncEnumerable(), stop.Token))
            {
            }
        }, TestContext.Current.CancellationToken);
        await Should.ThrowAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));

        var lent = body.Pending.ShouldNotBeNull();
        pool.WasReturned(lent).ShouldBeFalse();
        pool.Outstanding.ShouldBe(1); // every other buffer came back

        // The socket read ends late and writes into the buffer: it belongs to nobody else.
        body.CompleteLateRead();
        pool.WasReturned(lent).ShouldBeFalse();
        pool.Outstanding.ShouldBe(1);
    }

    /// <summary>
    /// Serves reads that fill the buffer whole up to 1023 KiB (so it grows to the large size),
    /// then 2 KiB, then a read that stays pending and cancels the run.
    /// </summary>
    private sealed class LateReadBody(CancellationTokenSource stop) : Stream
    {
        private readonly TaskCompletionSource<int> _late = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private Memory<byte> _lateSpace;
        private long _served;

        public byte[]? Pending { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void CompleteLateRead()
        {
            _lateSpace.Span.Fill(0xEE);
            _late.SetResult(_lateSpace.Length);
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (Pending is null && _served < 1025 * 1024)
            {
                var take = _served < 1023 * 1024 ? buffer.Length : 2048;
                buffer.Span[..take].Fill(0x5A);
                _served += take;
                return ValueTask.FromResult(take);
            }

            MemoryMarshal.TryGetArray<byte>(buffer, out var segment).ShouldBeTrue();
            Pending = segment.Array;
            _lateSpace = buffer;
            stop.Cancel();
            return new ValueTask<int>(_late.Task);
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>Answers every request with a 4 MiB body, validators included, read from <paramref name="body"/>.</summary>
    private sealed class BodyHandler(Stream body) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new StreamContent(body) };
            response.Content.Headers.ContentLength = 4 * 1024 * 1024;
            response.Headers.ETag = new System.Net.Http.Headers.EntityTagHeaderValue("\"v1\"");
            return Task.FromResult(response);
        }
    }

    /// <summary>An array pool that remembers every array given back.</summary>
    private sealed class RecordingPool : ArrayPool<byte>
    {
        private readonly ConcurrentDictionary<byte[], byte> _returned = new(ReferenceEqualityComparer.Instance);
        private int _outstanding;

        public int Outstanding => Volatile.Read(ref _outstanding);

        public bool WasReturned(byte[] array) => _returned.ContainsKey(array);

        public override byte[] Rent(int minimumLength)
        {
            Interlocked.Increment(ref _outstanding);
            return new byte[minimumLength];
        }

        public override void Return(byte[] array, bool clearArray = false)
        {
            _returned.TryAdd(array, 0);
            Interlocked.Decrement(ref _outstanding);
        }
    }
}
