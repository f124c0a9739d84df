using System.Net.Sockets;
using System.Text;
using Haul.Errors;
using Haul.Tests.EndToEnd;
using Haul.Transfer;

namespace Haul.Tests.Transfer;

/// <summary>
/// The reply guard over a real loopback connection, read as SocketsHttpHandler reads it: heads
/// into a plain buffer, body reads into a <see cref="FileBoundMemory"/>. What it moves into the
/// file is exactly the rest of a body by length; everything else comes through the buffer.
/// </summary>
public sealed partial class BodyMoveTests
{
    /// <summary>What the handler reads heads with.</summary>
    private const int HandlerBuffer = 4096;

    [Fact]
    public async Task ReadAsync_BodyByLengthThenAKeptAliveReply_BodyMovedIntoTheFileAndTheNextHeadReadThroughTheGuard()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        const int Length = (4 * 1024 * 1024) + 13;
        var body = TestData.Bytes(Length, seed: 301);
        var head = Latin1($"HTTP/1.1 200 OK\r\nContent-Length: {Length}\r\n\r\n");
        var next = Latin1("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nhello");
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "body.part");
        var sending = pair.SendAsync(Concat(head, body, next), Token);
        await using var guard = new ReplyHeadGuard(new NetworkStream(pair.Client, ownsSocket: false));
        await guard.WriteAsync(Latin1("GET /body HTTP/1.1\r\nHost: test\r\n\r\n"), Token);

        long moved = 0;
        var held = 0;
        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            // The head comes into the handler's own buffer, which may take the first body bytes with it:
            // those reach the file the ordinary way, as the sink writes what the handler copied to it.
            (var taken, held) = await ReadHeadAsync(guard, head.Length, HandlerBuffer);
            taken[..head.Length].ShouldBe(head);
            held.ShouldBeLessThan(Length);
            RandomAccess.Write(file, taken.AsSpan(head.Length, held), 0);

            var memory = new FileBoundMemory(file);
            var space = new byte[ResumableTransfer.LargeReceiveBuffer];
            long position = held;
            while (position < Length)
            {
                // The whole room each time: the guard alone keeps the next reply out of the file.
                var read = await guard.ReadAsync(memory.Offer(space, 0, space.Length, position), Token);
                read.ShouldBeGreaterThan(0);
                memory.Moved.ShouldBe(read);
                memory.MoveRefused.ShouldBeFalse();
                memory.Consume();
                moved += read;
                position += read;
            }

            position.ShouldBe(Length);
        }

        moved.ShouldBe(Length - held);
        (await ReadExactlyAsync(guard, next.Length, HandlerBuffer)).ShouldBe(next);
        await sending;
        new FileInfo(path).Length.ShouldBe(Length);
        TestData.FileSha256(path).ShouldBe(TestData.Sha256(body));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task ReadAsync_BodyAndMoreAtHandInOneRead_MovesExactlyTheBodyAndTheRestReadsAsBefore(bool malformed)
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        const int Length = 100_003;
        var body = TestData.Bytes(Length, seed: 302);
        var head = Latin1($"HTTP/1.1 200 OK\r\nContent-Length: {Length}\r\n\r\n");
        var after = Latin1(malformed ? "HTTP/1.1 200 OK\r\nX-A: a\0b\r\nContent-Length: 0\r\n\r\n" : "HTTP/1.1 204 No Content\r\nX-A: b\r\n\r\n");
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "body.part");
        await pair.SendAsync(Concat(head, body, after), Token);
        await using var guard = new ReplyHeadGuard(new NetworkStream(pair.Client, ownsSocket: false));
        (await ReadExactlyAsync(guard, head.Length, head.Length)).ShouldBe(head);
        await pair.AtHandAsync(Length + after.Length);

        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            var memory = new FileBoundMemory(file);
            var space = new byte[ResumableTransfer.LargeReceiveBuffer];

            // The body and what follows it are all in the socket: one read, and it stops at the body's end.
            var read = await guard.ReadAsync(memory.Offer(space, 0, space.Length, 0), Token);

            read.ShouldBe(Length);
            memory.Moved.ShouldBe(Length);
            space.AsSpan().IndexOfAnyExcept((byte)0).ShouldBe(-1); // nothing came through the buffer
        }

        TestData.FileSha256(path).ShouldBe(TestData.Sha256(body));
        if (malformed)
        {
            var error = await Should.ThrowAsync<MalformedReplyException>(() => ReadExactlyAsync(guard, after.Length, HandlerBuffer));
            error.Message.ShouldContain("NUL");
        }
        else
        {
            (await ReadExactlyAsync(guard, after.Length, HandlerBuffer)).ShouldBe(after);
        }
    }

    [Fact]
    public async Task ReadAsync_ChunkedBody_FileBoundReadsComeThroughTheBufferUnmoved()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        var data = TestData.Bytes(300_000, seed: 303);
        var head = Latin1("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n");
        byte[] framed = [.. Chunk(data[..120_000]), .. Chunk(data[120_000..]), .. Latin1("0\r\n\r\n")];

        var (read, file) = await ReadBodyFileBoundAsync(head, framed, closeAfter: false, framed.Length);

        read.ShouldBe(framed);
        file.ShouldBeEmpty();
    }

    [Fact]
    public async Task ReadAsync_BodyWithoutLengthUntilTheClose_FileBoundReadsComeThroughTheBufferUnmoved()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        var body = TestData.Bytes(300_000, seed: 304);
        var head = Latin1("HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n");

        var (read, file) = await ReadBodyFileBoundAsync(head, body, closeAfter: true, body.Length);

        read.ShouldBe(body);
        file.ShouldBeEmpty();
    }

    /// <summary>
    /// Sends <paramref name="head"/> and <paramref name="rest"/>, reads the head, then reads with a
    /// <see cref="FileBoundMemory"/> until <paramref name="expected"/> bytes (or the end of the stream)
    /// came, checking that none was moved; returns what the buffer got and what the file holds.
    /// </summary>
    private static async Task<(byte[] Read, byte[] File)> ReadBodyFileBoundAsync(byte[] head, byte[] rest, bool closeAfter, int expected)
    {
        using var pair = await LoopbackSocketPair.ConnectAsync(Token);
        using var temp = new TempDirectory();
        var path = Path.Combine(temp.Root, "body.part");
        var sending = Task.Run(async () =>
        {
            await pair.SendAsync(Concat(head, rest), Token);
            if (closeAfter)
            {
                pair.Server.Shutdown(SocketShutdown.Send);
            }
        }, Token);
        await using var guard = new ReplyHeadGuard(new NetworkStream(pair.Client, ownsSocket: false));
        (await ReadExactlyAsync(guard, head.Length, head.Length)).ShouldBe(head);

        var output = new MemoryStream();
        using (var file = File.OpenHandle(path, FileMode.Create, FileAccess.ReadWrite))
        {
            var memory = new FileBoundMemory(file);
            var space = new byte[ResumableTransfer.LargeReceiveBuffer];
            while (output.Length < expected)
            {
                var read = await guard.ReadAsync(memory.Offer(space, 0, space.Length, output.Length), Token);
                memory.Moved.ShouldBe(0);
                if (read == 0)
                {
                    break;
                }

                output.Write(space, 0, read);
            }
        }

        await sending;
        return (output.ToArray(), await File.ReadAllBytesAsync(path, Token));
    }

    /// <summary>Reads a head the way the handler does, with reads of up to <paramref name="bufferSize"/>; returns all the bytes read and how many of them came after the head.</summary>
    private static async Task<(byte[] Taken, int Held)> ReadHeadAsync(Stream guard, int headLength, int bufferSize)
    {
        var taken = new byte[bufferSize];
        var count = 0;
        while (count < headLength)
        {
            var read = await guard.ReadAsync(taken.AsMemory(count), Token);
            read.ShouldBeGreaterThan(0);
            count += read;
        }

        return (taken[..count], count - headLength);
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes through plain buffers of at most <paramref name="bufferSize"/>.</summary>
    private static async Task<byte[]> ReadExactlyAsync(Stream guard, int count, int bufferSize)
    {
        var output = new byte[count];
        var done = 0;
        while (done < count)
        {
            var read = await guard.ReadAsync(output.AsMemory(done, Math.Min(bufferSize, count - done)), Token);
            read.ShouldBeGreaterThan(0);
            done += read;
        }

        return output;
    }

    private static byte[] Latin1(string text) => Encoding.Latin1.GetBytes(text);

    private static byte[] Chunk(byte[] data) => [.. Latin1($"{data.Length:x}\r\n"), .. data, .. Latin1("\r\n")];

    private static byte[] Concat(params byte[][] parts) => [.. parts.SelectMany(part => part)];
}
