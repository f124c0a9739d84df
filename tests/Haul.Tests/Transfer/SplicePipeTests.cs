using System.Net.Sockets;
using Haul.Tests.EndToEnd;
using Haul.Transfer;
using Microsoft.Win32.SafeHandles;

namespace Haul.Tests.Transfer;

/// <summary>
/// <see cref="SplicePipe"/> over a real loopback connection: bytes go from the socket to their
/// place in a real file, and when the file refuses them they come through the reader's span
/// instead, none lost.
/// </summary>
public sealed class SplicePipeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ReceiveAsync_BytesArriving_MovedToTheirPositionInTheFile()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        const int Offset = 1000;
        var data = TestData.Bytes(700_001, seed: 201);
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "moved.bin");
        var sending = pair.SendAsync(data, Token);

        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            var target = new FileBoundMemory(file);
            var span = new byte[256 * 1024];
            var moved = 0;
            while (moved < data.Length)
            {
                target.Offer(span, 0, Math.Min(span.Length, data.Length - moved), Offset + moved);
                var step = await SplicePipe.ReceiveAsync(pair.Client, target, 0, target.Length, Token);
                step.ShouldBeGreaterThan(0);
                target.Moved.ShouldBe(step);
                moved += step;
            }

            target.MoveRefused.ShouldBeFalse();
        }

        await sending;
        TestData.FileSha256(path).ShouldBe(TestData.Sha256([.. new byte[Offset], .. data]));
    }

    [Fact]
    public async Task ReceiveAsync_MoreAtHandThanAsked_MovesOnlyTheCountAndLeavesTheRestInTheSocket()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        var data = TestData.Bytes(10_000, seed: 202);
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "part.bin");
        await pair.SendAsync(data, Token);
        await pair.AtHandAsync(data.Length);

        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            var target = new FileBoundMemory(file);
            target.Offer(new byte[8_000], 0, 8_000, 0);
            (await SplicePipe.ReceiveAsync(pair.Client, target, 0, 4_000, Token)).ShouldBe(4_000);
            target.Moved.ShouldBe(4_000);
        }

        File.ReadAllBytes(path).ShouldBe(data[..4_000]);
        var rest = new byte[data.Length];
        var read = 0;
        while (read < 6_000)
        {
            read += await pair.Client.ReceiveAsync(rest.AsMemory(read), SocketFlags.None, Token);
        }

        rest[..read].ShouldBe(data[4_000..]);
    }

    [Fact]
    public async Task ReceiveAsync_NothingAtHandYet_WaitsForTheBytesThenMovesThem()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        var data = TestData.Bytes(3_000, seed: 203);
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "late.bin");
        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            var target = new FileBoundMemory(file);
            target.Offer(new byte[data.Length], 0, data.Length, 0);
            var moving = SplicePipe.ReceiveAsync(pair.Client, target, 0, data.Length, Token).AsTask();
            moving.IsCompleted.ShouldBeFalse(); // nothing was sent: it can only be waiting

            await pair.SendAsync(data, Token);
            var moved = await moving.WaitAsync(TimeSpan.FromSeconds(60), Token);
            while (moved < data.Length)
            {
                target.Offer(new byte[data.Length], 0, data.Length - moved, moved);
                moved += await SplicePipe.ReceiveAsync(pair.Client, target, 0, data.Length - moved, Token);
            }
        }

        File.ReadAllBytes(path).ShouldBe(data);
    }

    [Fact]
    public async Task ReceiveAsync_PeerClosed_ReturnsZeroAndWritesNothing()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "none.bin");
        pair.Server.Shutdown(SocketShutdown.Send);
        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            var target = new FileBoundMemory(file);
            target.Offer(new byte[4096], 0, 4096, 0);
            (await SplicePipe.ReceiveAsync(pair.Client, target, 0, 4096, Token)).ShouldBe(0);
            target.Moved.ShouldBe(0);
        }

        new FileInfo(path).Length.ShouldBe(0);
    }

    [Fact]
    public async Task ReceiveAsync_CancelledWhileWaiting_ThrowsOperationCanceledAndTheNextReadMoves()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        var data = TestData.Bytes(2_000, seed: 204);
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "cancel.bin");
        using var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);
        var target = new FileBoundMemory(file);
        target.Offer(new byte[data.Length], 0, data.Length, 0);

        var waiting = SplicePipe.ReceiveAsync(pair.Client, target, 0, data.Length, cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(60), Token));
        await pair.SendAsync(data, Token);
        await pair.AtHandAsync(data.Length);
        target.Offer(new byte[data.Length], 0, data.Length, 0);
        (await SplicePipe.ReceiveAsync(pair.Client, target, 0, data.Length, Token)).ShouldBe(data.Length);
        target.Moved.ShouldBe(data.Length);
        RandomAccess.GetLength(file).ShouldBe(data.Length);
    }

    [Fact]
    public async Task ReceiveAsync_FileIsDevFull_BytesComeThroughTheSpanAndTheFileIsMarkedRefused()
    {
        Assert.SkipUnless(SplicePipe.IsSupported && File.Exists("/dev/full"), "splice(2) and /dev/full are Linux only");
        var data = TestData.Bytes(5_000, seed: 205);
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        await pair.SendAsync(data, Token);
        await pair.AtHandAsync(data.Length);
        using var full = File.OpenHandle("/dev/full", FileMode.Open, FileAccess.ReadWrite);

        await RefusedAsync(pair, full, data);
    }

    [Fact]
    public async Task ReceiveAsync_FileOpenForReadingOnly_BytesComeThroughTheSpanAndTheFileStaysEmpty()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        var data = TestData.Bytes(5_000, seed: 206);
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "read-only.bin");
        await File.WriteAllBytesAsync(path, [], Token);
        await pair.SendAsync(data, Token);
        await pair.AtHandAsync(data.Length);
        using (var readOnly = File.OpenHandle(path, FileMode.Open, FileAccess.Read))
        {
            await RefusedAsync(pair, readOnly, data);
        }

        new FileInfo(path).Length.ShouldBe(0);
    }

    [Fact]
    public async Task ReceiveAsync_ConnectionReset_ThrowsIOExceptionOfTheSocket()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "reset.bin");
        using var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
        var target = new FileBoundMemory(file);
        target.Offer(new byte[4096], 0, 4096, 0);

        // Linger 0: closing sends a reset instead of the end of the stream.
        pair.Server.LingerState = new LingerOption(enable: true, seconds: 0);
        pair.Server.Close();

        var error = await Should.ThrowAsync<IOException>(async () => await SplicePipe.ReceiveAsync(pair.Client, target, 0, 4096, Token));
        error.InnerException.ShouldBeOfType<SocketException>().SocketErrorCode.ShouldBe(SocketError.ConnectionReset);
        target.Moved.ShouldBe(0);
    }

    /// <summary>A read whose file refuses the bytes: they are all in the span, in order, nothing counted as moved, and the file marked as refusing.</summary>
    private static async Task RefusedAsync(LoopbackSocketPair pair, SafeFileHandle file, byte[] data)
    {
        var target = new FileBoundMemory(file);
        var span = new byte[data.Length + 100];
        target.Offer(span, 100, data.Length, 0);

        var read = await SplicePipe.ReceiveAsync(pair.Client, target, 0, data.Length, Token);

        read.ShouldBe(data.Length);
        target.Moved.ShouldBe(0);
        target.MoveRefused.ShouldBeTrue();
        span.AsSpan(100, read).ToArray().ShouldBe(data);
        span.AsSpan(0, 100).ToArray().ShouldAllBe(b => b == 0);
    }
}
