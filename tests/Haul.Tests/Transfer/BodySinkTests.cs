using System.Buffers;
using System.Security.Cryptography;
using Haul.Checksums;
using Haul.Tests.EndToEnd;
using Haul.Transfer;

namespace Haul.Tests.Transfer;

/// <summary>The receive path: bytes gathered, written in place, and hashed (inline or on another thread) exactly as written.</summary>
public sealed class BodySinkTests
{
    [Theory]
    [InlineData(7, 7)]       // at the large size from the start: hashed off the path throughout
    [InlineData(5, 64)]      // grows from 5 bytes, then moves hashing off the path
    [InlineData(16, 16_384)] // grows but never reaches the large size in this body: hashed inline
    [InlineData(4096, 1024 * 1024)]
    public async Task Write_BodySplitAtOddBoundaries_FileAndDigestAreTheBytesReceived(int first, int large)
    {
        var body = TestData.Bytes(100_003, seed: 71);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "body.part");
        var pool = new CountingPool();
        using var digest = new BodyDigest(null);

        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            await FeedAsync(new BodySink(file, 0, digest, first, large, pool), body, new Random(first));
        }

        File.ReadAllBytes(path).ShouldBe(body);
        digest.Length.ShouldBe(body.Length);
        digest.Sha256Hex().ShouldBe(TestData.Sha256(body));
        pool.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task Write_ResumedAfterBytesAlreadyOnDisk_DigestCoversTheWholeFile()
    {
        var body = TestData.Bytes(50_001, seed: 72);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "resumed.part");
        File.WriteAllBytes(path, body[..12_345]);
        var pool = new CountingPool();
        using var digest = new BodyDigest(null);

        using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite))
        {
            // As an attempt does: the digest catches up with the file, then the rest streams in.
            await digest.SyncWithFileAsync(file, 12_345, 4096, TestContext.Current.CancellationToken);
            await FeedAsync(new BodySink(file, 12_345, digest, 3, 3, pool), body[12_345..], new Random(3));
        }

        File.ReadAllBytes(path).ShouldBe(body);
        digest.Sha256Hex().ShouldBe(TestData.Sha256(body));
        pool.Outstanding.ShouldBe(0);
    }

    [Theory]
    [InlineData(ChecksumAlgorithm.Md5)]
    [InlineData(ChecksumAlgorithm.Sha1)]
    public async Task Write_ChecksumAlgorithmOtherThanSha256_BothDigestsMatchTheBody(ChecksumAlgorithm algorithm)
    {
        var body = TestData.Bytes(77_777, seed: 73);
        using var temp = new TempDirectory();
        var expected = new Checksum(algorithm, "00");
        using var digest = new BodyDigest(expected);

        using (var file = File.OpenHandle(Path.Combine(temp.Root, "sum.part"), FileMode.Create, FileAccess.ReadWrite))
        {
            await FeedAsync(new BodySink(file, 0, digest, 11, 11, new CountingPool()), body, new Random(11));
        }

        var hash = algorithm == ChecksumAlgorithm.Md5 ? MD5.HashData(body) : SHA1.HashData(body);
        digest.ChecksumHex().ShouldBe(Convert.ToHexStringLower(hash));
        digest.Sha256Hex().ShouldBe(TestData.Sha256(body));
    }

    [Theory]
    [InlineData(8, 8)]
    [InlineData(8, 1024)]
    public async Task Write_DiskFull_ThrowsTheIoErrorHashesNothingUnwrittenAndReturnsEveryBuffer(int first, int large)
    {
        Assert.SkipUnless(File.Exists("/dev/full"), "needs /dev/full");
        var pool = new CountingPool();
        using var digest = new BodyDigest(null);
        using var file = File.OpenHandle("/dev/full", FileMode.Open, FileAccess.Write);
        var sink = new BodySink(file, 0, digest, first, large, pool);
        await using (sink)
        {
            var space = await sink.NextSpaceAsync(TestContext.Current.CancellationToken);
            TestData.Bytes(space.Length, seed: 74).CopyTo(space);
            sink.Advance(space.Length);

            Should.Throw<IOException>(sink.Write);
            sink.Written.ShouldBe(0);
        }

        digest.Length.ShouldBe(0);
        digest.Sha256Hex().ShouldBe(TestData.EmptySha256);
        pool.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task NextSpace_CancelledMidBodyWithHashingOffThePath_DigestIsWhatWasWrittenAndNoBufferLeaks()
    {
        var body = TestData.Bytes(40_000, seed: 75);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "cancelled.part");
        var pool = new CountingPool();
        using var digest = new BodyDigest(null);
        using var cancel = new CancellationTokenSource();

        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            var sink = new BodySink(file, 0, digest, 1000, 1000, pool);
            await using (sink)
            {
                sink.HashesOffPath.ShouldBeTrue();
                for (var at = 0; at < 25_000;)
                {
                    var space = await sink.NextSpaceAsync(cancel.Token);
                    var take = Math.Min(space.Length, 25_000 - at);
                    body.AsSpan(at, take).CopyTo(space.Span);
                    sink.Advance(take);
                    at += take;
                }

                cancel.Cancel();
                await Should.ThrowAsync<OperationCanceledException>(async () => await sink.NextSpaceAsync(cancel.Token));
            }
        }

        // The full buffers were written before the cancellation; the digest is exactly their bytes.
        var written = File.ReadAllBytes(path);
        written.ShouldBe(body[..written.Length]);
        written.Length.ShouldBe(25_000);
        digest.Length.ShouldBe(written.Length);
        digest.Sha256Hex().ShouldBe(TestData.Sha256(written));
        pool.Outstanding.ShouldBe(0);
    }

    [Fact]
    public async Task NextSpace_ReadsThatFillTheBufferWhole_DoubleItUpToTheLargeSizeAndThenHashOffThePath()
    {
        using var temp = new TempDirectory();
        using var digest = new BodyDigest(null);
        using var file = File.OpenHandle(Path.Combine(temp.Root, "fast.part"), FileMode.Create, FileAccess.ReadWrite);
        var sink = new BodySink(file, 0, digest, 4096, 65_536, new CountingPool());
        await using (sink)
        {
            var sizes = new List<int>();
            for (var i = 0; i < 6; i++)
            {
                var space = await sink.NextSpaceAsync(TestContext.Current.CancellationToken);
                sizes.Add(sink.BufferSize);
                sink.Advance(space.Length);
            }

            sizes.ShouldBe([4096, 8192, 16_384, 32_768, 65_536, 65_536]);
            sink.HashesOffPath.ShouldBeTrue();
        }
    }

    [Fact]
    public async Task NextSpace_ReadsSmallerThanTheBuffer_KeepItsFirstSizeAndHashInline()
    {
        using var temp = new TempDirectory();
        using var digest = new BodyDigest(null);
        using var file = File.OpenHandle(Path.Combine(temp.Root, "slow.part"), FileMode.Create, FileAccess.ReadWrite);
        var sink = new BodySink(file, 0, digest, 16_384, 1024 * 1024, new CountingPool());
        await using (sink)
        {
            // A trickle: 4 KiB at a time, each written while the next is awaited.
            for (var i = 0; i < 64; i++)
            {
                var space = await sink.NextSpaceAsync(TestContext.Current.CancellationToken);
                sink.Advance(Math.Min(4096, space.Length));
                sink.Write();
            }

            sink.BufferSize.ShouldBe(16_384);
            sink.HashesOffPath.ShouldBeFalse();
            sink.Written.ShouldBe(64 * 4096);
        }
    }

    [Theory]
    [InlineData(16_384L, false)] // the whole announced body fits: one write at its end
    [InlineData(16_385L, true)]  // it does not: what is gathered goes to disk while the rest travels
    [InlineData(null, true)]     // no length announced
    public async Task WorthWritingWhileWaiting_BodyPartlyReceived_OnlyWhenTheRestDoesNotFitTheBuffer(long? length, bool expected)
    {
        using var temp = new TempDirectory();
        using var digest = new BodyDigest(null);
        using var file = File.OpenHandle(Path.Combine(temp.Root, "small.part"), FileMode.Create, FileAccess.ReadWrite);
        var sink = new BodySink(file, 100, digest, 16_384, 1024 * 1024, new CountingPool(), end: 100 + length);
        await using (sink)
        {
            sink.WorthWritingWhileWaiting.ShouldBeFalse(); // nothing gathered yet
            await sink.NextSpaceAsync(TestContext.Current.CancellationToken);
            sink.Advance(5000);

            sink.WorthWritingWhileWaiting.ShouldBe(expected);
        }
    }

    [Fact]
    public async Task NextSpace_HasherFailsOnTheThirdRegion_ThrowsItsErrorInsteadOfWaitingForABuffer()
    {
        using var temp = new TempDirectory();
        using var digest = new BodyDigest(null);
        var pool = new FailingPool(failOnReturn: 3);
        using var file = File.OpenHandle(Path.Combine(temp.Root, "hasher.part"), FileMode.Create, FileAccess.ReadWrite);
        var sink = new BodySink(file, 0, digest, 1000, 1000, pool);
        await using (sink)
        {
            sink.HashesOffPath.ShouldBeTrue();
            var feeding = Task.Run(async () =>
            {
                // Far more buffers than the hasher may have out: the receiver must wait on it, and it never gives the third back.
                for (var i = 0; i < 100; i++)
                {
                    var space = await sink.NextSpaceAsync(TestContext.Current.CancellationToken);
                    sink.Advance(space.Length);
                }
            }, TestContext.Current.CancellationToken);

            var error = await Should.ThrowAsync<InvalidOperationException>(() => feeding.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken));
            error.Message.ShouldBe(FailingPool.Message);
        }
    }

    [Fact]
    public async Task Complete_HasherFailsOnTheLastBuffer_ThrowsItsErrorWhileDisposeDoesNot()
    {
        using var temp = new TempDirectory();
        using var digest = new BodyDigest(null);
        var body = TestData.Bytes(1500, seed: 76);
        using var file = File.OpenHandle(Path.Combine(temp.Root, "last.part"), FileMode.Create, FileAccess.ReadWrite);

        // Two buffers: the first goes back while the body streams, the second when it completes, and that one fails.
        var completing = new BodySink(file, 0, digest, 1000, 1000, new FailingPool(failOnReturn: 2));
        await Feed(completing, body);
        var error = await Should.ThrowAsync<InvalidOperationException>(async () => await completing.CompleteAsync());
        error.Message.ShouldBe(FailingPool.Message);

        // Disposing alone, as on the way out of another error, never throws it over that error.
        using var other = new BodyDigest(null);
        var disposing = new BodySink(file, 0, other, 1000, 1000, new FailingPool(failOnReturn: 2));
        await Feed(disposing, body);
        await disposing.DisposeAsync();

        static async Task Feed(BodySink sink, byte[] body)
        {
            for (var at = 0; at < body.Length;)
            {
                var space = await sink.NextSpaceAsync(TestContext.Current.CancellationToken);
                var take = Math.Min(space.Length, body.Length - at);
                body.AsSpan(at, take).CopyTo(space.Span);
                sink.Advance(take);
                at += take;
            }

            sink.Write();
        }
    }

    /// <summary>Feeds <paramref name="body"/> through <paramref name="sink"/> in reads of random sizes, writing now and then as a read would wait.</summary>
    private static async Task FeedAsync(BodySink sink, byte[] body, Random random)
    {
        await using (sink)
        {
            for (var at = 0; at < body.Length;)
            {
                var space = await sink.NextSpaceAsync(TestContext.Current.CancellationToken);
                var take = Math.Min(Math.Min(space.Length, random.Next(1, 2 * space.Length + 1)), body.Length - at);
                body.AsSpan(at, take).CopyTo(space.Span);
                sink.Advance(take);
                at += take;
                if (random.Next(4) == 0)
                {
                    sink.Write();
                }
            }

            sink.Write();
            sink.HasUnwritten.ShouldBeFalse();
        }
    }

    /// <summary>An array pool whose <paramref name="failOnReturn"/>th return throws, as a bug on the hasher's thread would.</summary>
    private sealed class FailingPool(int failOnReturn) : ArrayPool<byte>
    {
        public const string Message = "The pool broke on a return.";

        private int _returns;

        public override byte[] Rent(int minimumLength) => new byte[minimumLength];

        public override void Return(byte[] array, bool clearArray = false)
        {
            if (Interlocked.Increment(ref _returns) == failOnReturn)
            {
                throw new InvalidOperationException(Message);
            }
        }
    }

    /// <summary>An array pool that counts what is out: every buffer rented must come back.</summary>
    private sealed class CountingPool : ArrayPool<byte>
    {
        private int _outstanding;

        public int Outstanding => Volatile.Read(ref _outstanding);

        public override byte[] Rent(int minimumLength)
        {
            Interlocked.Increment(ref _outstanding);
            return new byte[minimumLength];
        }

        public override void Return(byte[] array, bool clearArray = false) => Interlocked.Decrement(ref _outstanding);
    }
}
