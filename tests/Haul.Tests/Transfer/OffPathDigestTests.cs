using System.Buffers;
using Haul.Tests.EndToEnd;
using Haul.Transfer;

namespace Haul.Tests.Transfer;

/// <summary>
/// Regions of a file moved there without a buffer are hashed by reading them back: in order with
/// buffered regions, never further behind than the receiver allows, and a file cut under them is
/// a failure, not a digest of fewer bytes.
/// </summary>
public sealed class OffPathDigestTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task HashFile_BufferAndFileRegionsInterleaved_DigestIsTheFileInOrder()
    {
        var body = TestData.Bytes(3 * 1024 * 1024, seed: 301);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "body.part");
        await File.WriteAllBytesAsync(path, body, Token);
        using var digest = new BodyDigest(null);

        using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read))
        {
            var offPath = new OffPathDigest(digest, ArrayPool<byte>.Shared, maxBuffers: 2);
            offPath.Hash(body, 0, 1000);
            offPath.HashFile(file, 1000, 2 * 1024 * 1024);
            offPath.Hash(body, 1000 + (2 * 1024 * 1024), body.Length - 1000 - (2 * 1024 * 1024));
            await offPath.DisposeAsync();
            offPath.Fault.ShouldBeNull();
        }

        digest.Length.ShouldBe(body.Length);
        digest.Sha256Hex().ShouldBe(TestData.Sha256(body));
    }

    [Fact]
    public async Task WaitForFileBacklogAsync_HasherBehindTheLimit_WaitsUntilItCatchesUp()
    {
        var body = TestData.Bytes(1024 * 1024, seed: 302);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "body.part");
        await File.WriteAllBytesAsync(path, body, Token);
        using var digest = new BodyDigest(null);
        var pool = new GatedPool();

        using (var file = File.OpenHandle(path, FileMode.Open, FileAccess.Read))
        {
            var offPath = new OffPathDigest(digest, pool, maxBuffers: 2);

            // The hasher takes its read-back buffer from the pool, which holds it: nothing is hashed yet.
            offPath.HashFile(file, 0, 300_000);
            offPath.HashFile(file, 300_000, 300_000);
            await pool.Asked.Task.WaitAsync(TimeSpan.FromSeconds(60), Token);

            offPath.WaitForFileBacklogAsync(600_000, Token).IsCompleted.ShouldBeTrue();
            var waiting = offPath.WaitForFileBacklogAsync(299_999, Token).AsTask();
            waiting.IsCompleted.ShouldBeFalse(); // 600,000 bytes wait for a hasher that cannot start

            pool.Open();
            await waiting.WaitAsync(TimeSpan.FromSeconds(60), Token);
            offPath.HashFile(file, 600_000, body.Length - 600_000);
            await offPath.DisposeAsync();
            offPath.Fault.ShouldBeNull();
        }

        digest.Sha256Hex().ShouldBe(TestData.Sha256(body));
    }

    [Fact]
    public async Task HashFile_FileCutBeforeTheHasherReadsIt_FaultsAndTheWaitThrowsIt()
    {
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "cut.part");
        await File.WriteAllBytesAsync(path, TestData.Bytes(100_000, seed: 303), Token);
        using var digest = new BodyDigest(null);
        var pool = new GatedPool();

        using var file = File.OpenHandle(path, FileMode.Open, FileAccess.ReadWrite);
        var offPath = new OffPathDigest(digest, pool, maxBuffers: 2);
        offPath.HashFile(file, 0, 100_000);
        await pool.Asked.Task.WaitAsync(TimeSpan.FromSeconds(60), Token);

        // Someone cuts the .part after the bytes went into it and before the hasher reads them.
        RandomAccess.SetLength(file, 40_000);
        pool.Open();

        var fault = await Should.ThrowAsync<IOException>(() => offPath.WaitForFileBacklogAsync(0, Token).AsTask().WaitAsync(TimeSpan.FromSeconds(60), Token));
        fault.Message.ShouldContain("offset 40000");
        await offPath.DisposeAsync();
        offPath.Fault.ShouldNotBeNull();
    }

    /// <summary>A pool whose first rent waits until the test opens it: the hasher stands still until then.</summary>
    private sealed class GatedPool : ArrayPool<byte>
    {
        private readonly TaskCompletionSource _open = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Open() => _open.TrySetResult();

        public override byte[] Rent(int minimumLength)
        {
            Asked.TrySetResult();
            _open.Task.Wait(TimeSpan.FromSeconds(120));
            return new byte[minimumLength];
        }

        public override void Return(byte[] array, bool clearArray = false)
        {
        }
    }
}
