using System.Security.Cryptography;
using Haul.Checksums;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Transfer;

/// <summary>A body announced large is hashed off the receive path; what is reported is still exactly the bytes on disk.</summary>
public sealed class LargeBodyDigestTests
{
    private const string Validators = "ETag: \"big\"\r\nLast-Modified: Wed, 21 Oct 2015 07:28:00 GMT";

    [Fact]
    public async Task Download_LargeBodyBrokenOffAtAnOddByteThenResumed_Sha256AndMd5AreTheWholeFiles()
    {
        const int Length = 9 * 1024 * 1024 + 7;
        const int BreakAt = 5_000_001;
        var body = TestData.Bytes(Length, seed: 81);
        await using var server = RawLoopbackServer.Start(request => request.Header("Range") switch
        {
            null => RawReply.Of($"HTTP/1.1 200 OK\r\n{Validators}\r\nContent-Length: {Length}", body[..BreakAt]),
            var range => RangeReply(body, long.Parse(range["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture)),
        });
        using var temp = new TempDirectory();
        var md5 = Convert.ToHexStringLower(MD5.HashData(body));

        var result = await DownloaderHarness.RunOneAsync(
            DownloaderHarness.Options(temp.Out),
            new(server.Url("/big.bin")) { Checksum = new Checksum(ChecksumAlgorithm.Md5, md5) });

        result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
        result.Attempts.ShouldBe(2);
        result.Bytes.ShouldBe(Length);
        result.Sha256.ShouldBe(TestData.Sha256(body));
        TestData.FileSha256(Path.Combine(temp.Out, "big.bin")).ShouldBe(TestData.Sha256(body));
        server.Requests.Select(request => request.Header("Range")).ShouldBe([null, $"bytes={BreakAt}-"]);
    }

    [Fact]
    public async Task Download_LargeBodyWithAWrongMd5_FailsAsChecksumAndKeepsNoFile()
    {
        const int Length = 8 * 1024 * 1024 + 3;
        var body = TestData.Bytes(Length, seed: 82);
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of($"HTTP/1.1 200 OK\r\n{Validators}\r\nContent-Length: {Length}", body));
        using var temp = new TempDirectory();
        var wrong = Convert.ToHexStringLower(MD5.HashData(body[1..]));

        var result = await DownloaderHarness.RunOneAsync(
            DownloaderHarness.Options(temp.Out) with { Retries = 0 },
            new(server.Url("/bad.bin")) { Checksum = new Checksum(ChecksumAlgorithm.Md5, wrong) });

        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error!.Kind.ShouldBe(Haul.Errors.ErrorKind.Checksum);
        result.Error.Message.ShouldContain(Convert.ToHexStringLower(MD5.HashData(body)));
        File.Exists(Path.Combine(temp.Out, "bad.bin")).ShouldBeFalse();
    }

    private static RawReply RangeReply(byte[] body, long from) => RawReply.Of(
        $"HTTP/1.1 206 Partial Content\r\n{Validators}\r\nContent-Range: bytes {from}-{body.Length - 1}/{body.Length}\r\nContent-Length: {body.Length - from}",
        body[(int)from..]);
}
