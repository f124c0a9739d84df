using System.Net.Sockets;
using Haul.Tests.EndToEnd;
using Haul.Transfer;
using Microsoft.Win32.SafeHandles;

namespace Haul.Tests.Transfer;

/// <summary><see cref="SplicePipe"/> over a real loopback connection: bytes go from the socket to their place in a real file, and a file that refuses them is told apart from the network.</summary>
public sealed class SplicePipeTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task MoveAsync_BytesArriving_LandAtTheirPositionInTheFile()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        const int Offset = 1000;
        var data = TestData.Bytes(700_001, seed: 201);
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "moved.bin");
        var sending = pair.SendAsync(data, Token);

        using (var pipe = SplicePipe.TryCreate().ShouldNotBeNull())
        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            var moved = 0;
            while (moved < data.Length)
            {
                var step = await pipe.MoveAsync(pair.Client, file, Offset + moved, data.Length - moved, Token);
                step.ShouldBeGreaterThan(0);
                moved += step;
            }

            moved.ShouldBe(data.Length);
            pipe.IsBroken.ShouldBeFalse();
        }

        await sending;
        TestData.FileSha256(path).ShouldBe(TestData.Sha256([.. new byte[Offset], .. data]));
    }

    [Fact]
    public async Task MoveAsync_MoreAtHandThanAsked_MovesOnlyTheCountAndLeavesTheRestInTheSocket()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        var data = TestData.Bytes(10_000, seed: 202);
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "part.bin");
        await pair.SendAsync(data, Token);
        await pair.AtHandAsync(data.Length);

        using (var pipe = SplicePipe.TryCreate().ShouldNotBeNull())
        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            (await pipe.MoveAsync(pair.Client, file, 0, 4_000, Token)).ShouldBe(4_000);
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
    public async Task MoveAsync_NothingAtHandYet_WaitsForTheBytesThenMovesThem()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        var data = TestData.Bytes(3_000, seed: 203);
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "late.bin");
        using var pipe = SplicePipe.TryCreate().ShouldNotBeNull();
        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            var moving = pipe.MoveAsync(pair.Client, file, 0, data.Length, Token).AsTask();
            moving.IsCompleted.ShouldBeFalse(); // nothing was sent: it can only be waiting

            await pair.SendAsync(data, Token);
            var moved = await moving.WaitAsync(TimeSpan.FromSeconds(60), Token);
            while (moved < data.Length)
            {
                moved += await pipe.MoveAsync(pair.Client, file, moved, data.Length - moved, Token);
            }
        }

        File.ReadAllBytes(path).ShouldBe(data);
    }

    [Fact]
    public async Task MoveAsync_PeerClosed_ReturnsZeroAndWritesNothing()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "none.bin");
        pair.Server.Shutdown(SocketShutdown.Send);
        using var pipe = SplicePipe.TryCreate().ShouldNotBeNull();
        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            (await pipe.MoveAsync(pair.Client, file, 0, 4096, Token)).ShouldBe(0);
        }

        pipe.IsBroken.ShouldBeFalse();
        new FileInfo(path).Length.ShouldBe(0);
    }

    [Fact]
    public async Task MoveAsync_CancelledWhileWaiting_ThrowsOperationCanceledAndThePipeServesAgain()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        var data = TestData.Bytes(2_000, seed: 204);
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "cancel.bin");
        using var pipe = SplicePipe.TryCreate().ShouldNotBeNull();
        using var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token);

        var waiting = pipe.MoveAsync(pair.Client, file, 0, data.Length, cancel.Token).AsTask();
        await cancel.CancelAsync();

        await Should.ThrowAsync<OperationCanceledException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(60), Token));
        pipe.IsBroken.ShouldBeFalse();
        await pair.SendAsync(data, Token);
        await pair.AtHandAsync(data.Length);
        (await pipe.MoveAsync(pair.Client, file, 0, data.Length, Token)).ShouldBe(data.Length);
        RandomAccess.GetLength(file).ShouldBe(data.Length);
    }

    [Fact]
    public async Task MoveAsync_IntoDevFull_ThrowsSpliceWriteExceptionAndThePipeIsBroken()
    {
        Assert.SkipUnless(SplicePipe.IsSupported && File.Exists("/dev/full"), "splice(2) and /dev/full are Linux only");
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        await pair.SendAsync(TestData.Bytes(5_000, seed: 205), Token);
        await pair.AtHandAsync(5_000);
        using var pipe = SplicePipe.TryCreate().ShouldNotBeNull();
        using var full = File.OpenHandle("/dev/full", FileMode.Open, FileAccess.Write);

        await RefusedAsync(pipe, pair.Client, full);
    }

    [Fact]
    public async Task MoveAsync_IntoReadOnlyHandle_ThrowsSpliceWriteExceptionAndThePipeIsBroken()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "read-only.bin");
        await File.WriteAllBytesAsync(path, [], Token);
        await pair.SendAsync(TestData.Bytes(5_000, seed: 206), Token);
        await pair.AtHandAsync(5_000);
        using var pipe = SplicePipe.TryCreate().ShouldNotBeNull();
        using (var readOnly = File.OpenHandle(path, FileMode.Open, FileAccess.Read))
        {
            var fault = await RefusedAsync(pipe, pair.Client, readOnly);
            fault.Errno.ShouldBe(9); // EBADF: not open for writing
        }

        new FileInfo(path).Length.ShouldBe(0);
    }

    [Fact]
    public async Task MoveAsync_ConnectionReset_ThrowsIOExceptionOfTheSocketNotOfTheFile()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "reset.bin");
        using var pipe = SplicePipe.TryCreate().ShouldNotBeNull();
        using var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite);

        // Linger 0: closing sends a reset instead of the end of the stream.
        pair.Server.LingerState = new LingerOption(enable: true, seconds: 0);
        pair.Server.Close();

        var error = await Should.ThrowAsync<IOException>(async () => await pipe.MoveAsync(pair.Client, file, 0, 4096, Token));
        error.ShouldNotBeOfType<SpliceWriteException>();
        error.InnerException.ShouldBeOfType<SocketException>().SocketErrorCode.ShouldBe(SocketError.ConnectionReset);
        pipe.IsBroken.ShouldBeFalse();
    }

    /// <summary>A move into <paramref name="file"/> that refuses the bytes: a write fault, and a pipe that is not used again.</summary>
    private static async Task<SpliceWriteException> RefusedAsync(SplicePipe pipe, Socket socket, SafeFileHandle file)
    {
        var fault = await Should.ThrowAsync<SpliceWriteException>(async () => await pipe.MoveAsync(socket, file, 0, 5_000, Token));
        fault.Errno.ShouldNotBe(0);
        fault.Message.ShouldContain("offset 0");
        pipe.IsBroken.ShouldBeTrue();
        await Should.ThrowAsync<ObjectDisposedException>(async () => await pipe.MoveAsync(socket, file, 0, 5_000, Token));
        return fault;
    }
}
