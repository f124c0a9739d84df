using Haul.Tests.EndToEnd;

namespace Haul.Tests.Transfer;

/// <summary>An ETag that cannot be sent back (non-ASCII) is no validator: it never blocks a resume.</summary>
public sealed class UnusableETagTests
{
    private const string LastModified = "Wed, 21 Oct 2015 07:28:00 GMT";

    [Fact]
    public async Task Download_NonAsciiETagWithLastModified_ResumesByLastModified()
    {
        var body = TestData.Bytes(10_000, seed: 51);
        await using var server = RawLoopbackServer.Start(request => request.Header("Range") is null
            ? RawReply.Of($"HTTP/1.1 200 OK\r\nETag: \"caf\u00e9\"\r\nLast-Modified: {LastModified}\r\nContent-Length: 10000", body[..4000])
            : RawReply.Of($"HTTP/1.1 206 Partial Content\r\nETag: \"caf\u00e9\"\r\nLast-Modified: {LastModified}\r\nContent-Range: bytes 4000-9999/10000\r\nContent-Length: 6000", body[4000..]));
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/e.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
        TestData.FileSha256(Path.Combine(temp.Out, "e.bin")).ShouldBe(TestData.Sha256(body));
        var requests = server.Requests.ToArray();
        requests.Length.ShouldBe(2);
        requests[1].Header("Range").ShouldBe("bytes=4000-");
        requests[1].Header("If-Range").ShouldBe(LastModified);
    }

    [Fact]
    public async Task Download_OnlyANonAsciiETag_RestartsFromZero()
    {
        var body = TestData.Bytes(10_000, seed: 52);
        var hits = 0;
        await using var server = RawLoopbackServer.Start(_ => Interlocked.Increment(ref hits) == 1
            ? RawReply.Of("HTTP/1.1 200 OK\r\nETag: \"\u00fcber\"\r\nContent-Length: 10000", body[..4000])
            : RawReply.Of("HTTP/1.1 200 OK\r\nETag: \"\u00fcber\"\r\nContent-Length: 10000", body));
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/u.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
        TestData.FileSha256(Path.Combine(temp.Out, "u.bin")).ShouldBe(TestData.Sha256(body));
        var requests = server.Requests.ToArray();
        requests.Length.ShouldBe(2);
        requests[1].Header("Range").ShouldBeNull();
        requests[1].Header("If-Range").ShouldBeNull();
    }
}
