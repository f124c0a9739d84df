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
using Microsoft.Extensions.Time.Testing;

namespace Haul.Tests.Transfer;

/// <summary>The reads of <see cref="ResumableTransfer"/>: sized by the limits in force at each, into buffers none of which goes back to the pool while a read may still fill it.</summary>
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
        var transfer = new ResumableTransfer(client, options, new RetryPolicy(options), names, tracker, null, null, null, TimeProvider.System)
        {
            ReceivePool = pool,

            // The gathered path, where a write overlaps a read: a body offered to move into the file writes nothing while it waits.
            MoveAbove = null,
        };
        using var actions = new ActionPipeline([], concurrency: 1);
        var scheduler = new DownloadScheduler(options, new DownloadPlanner(options, names, null), transfer, actions, null, tracker, TimeProvider.System);

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

    [Fact]
    public async Task CopyBody_OverallLimitSetMidBody_NextReadAsksForNoMoreThanItsChunk()
    {
        using var temp = new TempDirectory();
        var time = new FakeTimeProvider();
        var dial = new RateDial(null, time);
        var content = TestData.Bytes(16_384 + (3 * 2048), seed: 77);
        var body = new SizeRecordingBody(content, afterFirstRead: () => dial.Set(40_960), time);
        var options = DownloaderHarness.Options(temp.Out) with { UseJournal = false, Retries = 0 };
        using var client = new HttpClient(new BodyHandler(body, content.Length));
        var tracker = new ProgressTracker(TimeProvider.System);
        var names = new NameReservations();
        var transfer = new ResumableTransfer(client, options, new RetryPolicy(options), names, tracker, null, null, null, TimeProvider.System, rateDial: dial);
        using var actions = new ActionPipeline([], concurrency: 1);
        var scheduler = new DownloadScheduler(options, new DownloadPlanner(options, names, null), transfer, actions, null, tracker, TimeProvider.System);

        // A read that asks for more than the bucket holds waits on the fake clock, which only reads move: it would never end.
        var results = new List<DownloadResult>();
        var run = Task.Run(async () =>
        {
            await foreach (var result in scheduler.RunAsync(new[] { new DownloadRequest("http://127.0.0.1:9/limited.bin") }.ToAsyncEnumerable(), TestContext.Current.CancellationToken))
            {
                results.Add(result);
            }
        }, TestContext.Current.CancellationToken);
        await run.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);

        results.ShouldHaveSingleItem().Status.ShouldBe(DownloadStatus.Ok);
        TestData.FileSha256(Path.Combine(temp.Out, "limited.bin")).ShouldBe(TestData.Sha256(content));
        body.Asked[0].ShouldBe(16_384);
        // 40,960 B/s: reads of a twentieth of a second's worth from the very next one on.
        body.Asked.Skip(1).ShouldAllBe(asked => asked <= 2048);
    }

    /// <summary>Serves <paramref name="content"/> as fast as asked, recording how much each read asks for; a second passes on the clock per read.</summary>
    private sealed class SizeRecordingBody(byte[] content, Action afterFirstRead, FakeTimeProvider time) : Stream
    {
        private int _at;

        public List<int> Asked { get; } = [];

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            Asked.Add(buffer.Length);
            var take = Math.Min(buffer.Length, content.Length - _at);
            content.AsSpan(_at, take).CopyTo(buffer.Span);
            _at += take;
            if (Asked.Count == 1)
            {
                afterFirstRead();
            }

            time.Advance(TimeSpan.FromSeconds(1));
            return ValueTask.FromResult(take);
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

    /// <summary>Answers every request with a body of <paramref name="length"/> bytes (4 MiB unless told), validators included, read from <paramref name="body"/>.</summary>
    private sealed class BodyHandler(Stream body, long length = 4 * 1024 * 1024) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { RequestMessage = request, Content = new StreamContent(body) };
            response.Content.Headers.ContentLength = length;
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
