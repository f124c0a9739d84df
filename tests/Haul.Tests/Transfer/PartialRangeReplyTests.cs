using Haul.Tests.EndToEnd;

namespace Haul.Tests.Transfer;

/// <summary>A resume reply that carries less than the rest of the file never finishes the file.</summary>
public sealed class PartialRangeReplyTests
{
    private const string Validators = "ETag: \"v1\"\r\nLast-Modified: Wed, 21 Oct 2015 07:28:00 GMT";

    [Fact]
    public async Task Download_ResumeAnsweredWithAShorterRange_AsksAgainForTheRestAndEndsByteExact()
    {
        var body = TestData.Bytes(200_000, seed: 61);
        await using var server = RawLoopbackServer.Start(request => request.Header("Range") switch
        {
            // The first reply breaks off at 120,000 bytes.
            null => RawReply.Of($"HTTP/1.1 200 OK\r\n{Validators}\r\nContent-Length: 200000", body[..120_000]),

            // Asked for the rest, the server sends only the next 10,000 bytes: a valid 206 of a subrange.
            "bytes=120000-" => RawReply.Of($"HTTP/1.1 206 Partial Content\r\n{Validators}\r\nContent-Range: bytes 120000-129999/200000\r\nContent-Length: 10000", body[120_000..130_000]),
            var range => RawReply.Of($"HTTP/1.1 206 Partial Content\r\n{Validators}\r\nContent-Range: bytes 130000-199999/200000\r\nContent-Length: 70000", range == "bytes=130000-" ? body[130_000..] : []),
        });
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/p.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
        result.Bytes.ShouldBe(200_000);
        TestData.FileSha256(Path.Combine(temp.Out, "p.bin")).ShouldBe(TestData.Sha256(body));
        server.Requests.Select(request => request.Header("Range")).ShouldBe([null, "bytes=120000-", "bytes=130000-"]);
    }

    [Fact]
    public async Task Download_ResumeAlwaysAnsweredShort_FailsAndNothingTakesTheName()
    {
        var body = TestData.Bytes(200_000, seed: 62);
        await using var server = RawLoopbackServer.Start(request => request.Header("Range") is null
            ? RawReply.Of($"HTTP/1.1 200 OK\r\n{Validators}\r\nContent-Length: 200000", body[..120_000])
            : RawReply.Of($"HTTP/1.1 206 Partial Content\r\n{Validators}\r\nContent-Range: bytes 120000-120009/200000\r\nContent-Length: 10", body[120_000..120_010]));
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out) with { Retries = 1 }, new(server.Url("/q.bin")));

        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error!.Kind.ShouldBe(Haul.Errors.ErrorKind.Protocol);
        File.Exists(Path.Combine(temp.Out, "q.bin")).ShouldBeFalse();
    }
}
