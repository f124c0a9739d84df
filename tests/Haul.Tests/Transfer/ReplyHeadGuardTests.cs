using System.Text;
using Haul.Transfer;
using Haul.Errors;

namespace Haul.Tests.Transfer;

public sealed class ReplyHeadGuardTests
{
    private static readonly byte[] Binary = [.. "\r\0\r\r\n\0"u8.ToArray(), .. Enumerable.Range(0, 256).Select(i => (byte)i)];

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(4096)]
    public async Task ReadAsync_BinaryBodiesByLengthAndChunked_PassUntouched(int readSize)
    {
        var bytes = Replies(
            Head("HTTP/1.1 200 OK", $"Content-Length: {Binary.Length}"), Binary,
            Head("HTTP/1.1 100 Continue"),
            Head("HTTP/1.1 200 OK", "Transfer-Encoding: chunked"), Chunk(Binary), "0\r\nX-T: ok\r\n\r\n"u8.ToArray(),
            Head("HTTP/1.1 204 No Content"),
            Head("HTTP/1.1 200 OK", "Content-Length: 0"));

        (await ReadAllAsync(bytes, readSize)).ShouldBe(bytes);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(4096)]
    public async Task ReadAsync_HeadRequest_ItsLengthIsNoBodyAndTheNextHeadIsChecked(int readSize)
    {
        var bytes = Replies(Head("HTTP/1.1 200 OK", "Content-Length: 50"), Head("HTTP/1.1 200 OK", "X-A: a\rb", "Content-Length: 0"));
        await using var guard = new ReplyHeadGuard(new ReadWriteStream(bytes));
        await guard.WriteAsync("HEAD / HTTP/1.1\r\n\r\n"u8.ToArray(), TestContext.Current.CancellationToken);

        var error = await Should.ThrowAsync<MalformedReplyException>(() => ReadAllAsync(guard, readSize));

        error.Message.ShouldContain("bare CR");
    }

    [Theory]
    [InlineData(1)]
    [InlineData(7)]
    [InlineData(300)]
    [InlineData(4096)]
    public async Task ReadAsync_FramingFromLongLinesRepeatedFieldsAndOddSpacing_BodiesPassUntouched(int readSize)
    {
        // Each body would fail as a head (CR and NUL): only a guard that found exactly where each
        // one ends (the first Content-Length's first value, the last coding of the last
        // Transfer-Encoding) passes them all.
        var bytes = Replies(
            Head("HTTP/1.1 200 OK", "X-Long: " + new string('a', 5000), $"content-length:\t{Binary.Length} , 99", "Content-Length: 7"), Binary,
            Head("HTTP/1.1 200 OK", "Transfer-Encoding: identity", "X-B: " + new string('b', 700), "TRANSFER-ENCODING:  gzip ,  Chunked  "), Chunk(Binary), "0\r\n\r\n"u8.ToArray(),
            Head("HTTP/1.1 200 OK", "Content-Length: 0"));

        (await ReadAllAsync(bytes, readSize)).ShouldBe(bytes);
    }

    [Fact]
    public async Task ReadAsync_BodyThatRunsToTheClose_NotInspected()
    {
        var bytes = Replies(Head("HTTP/1.1 200 OK"), Binary, Head("HTTP/1.1 200 OK", "X-A: \0"));

        (await ReadAllAsync(bytes, 100)).ShouldBe(bytes);
    }

    [Fact]
    public async Task ReadAsync_ViolationAfterACompleteReplyInTheSameRead_ReplyReturnedThenFails()
    {
        var first = Replies(Head("HTTP/1.1 200 OK", "Content-Length: 3"), "abc"u8.ToArray());
        var bytes = Replies(first, Head("HTTP/1.1 200 OK", "X-A: \0"));
        await using var guard = new ReplyHeadGuard(new MemoryStream(bytes));
        var buffer = new byte[bytes.Length];

        var read = await guard.ReadAsync(buffer, TestContext.Current.CancellationToken);

        read.ShouldBe(first.Length);
        await Should.ThrowAsync<MalformedReplyException>(async () => _ = await guard.ReadAsync(buffer, TestContext.Current.CancellationToken));
    }

    private static async Task<byte[]> ReadAllAsync(byte[] bytes, int readSize)
    {
        await using var guard = new ReplyHeadGuard(new MemoryStream(bytes));
        return await ReadAllAsync(guard, readSize);
    }

    private static async Task<byte[]> ReadAllAsync(Stream guard, int readSize)
    {
        var output = new MemoryStream();
        var buffer = new byte[readSize];
        int read;
        while ((read = await guard.ReadAsync(buffer, TestContext.Current.CancellationToken)) > 0)
        {
            output.Write(buffer, 0, read);
        }

        return output.ToArray();
    }

    private static byte[] Head(params string[] lines) => Encoding.Latin1.GetBytes(string.Join("\r\n", lines) + "\r\n\r\n");

    private static byte[] Chunk(byte[] data) => [.. Encoding.ASCII.GetBytes($"{data.Length:x}\r\n"), .. data, .. "\r\n"u8.ToArray()];

    private static byte[] Replies(params byte[][] parts) => [.. parts.SelectMany(part => part)];

    /// <summary>Reads come from the scripted reply; writes (the request) go elsewhere, as on a socket.</summary>
    private sealed class ReadWriteStream(byte[] reply) : Stream
    {
        private readonly MemoryStream _reads = new(reply);

        public MemoryStream Written { get; } = new();

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => _reads.Read(buffer, offset, count);

        public override void Write(byte[] buffer, int offset, int count) => Written.Write(buffer, offset, count);

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
