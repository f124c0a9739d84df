using Haul.Errors;
using Haul.Http;
using Haul.Tests.EndToEnd;
using Haul.Tests.Http;

namespace Haul.Tests.Transfer;

public sealed class RedirectDowngradeTests
{
    [Fact]
    public async Task Download_HttpsRedirectedToHttp_FailsAtOnceWithRedirectKind()
    {
        await using var plain = RawLoopbackServer.Start(_ => RawReply.Of("HTTP/1.1 200 OK\r\nContent-Length: 2", "no"u8.ToArray()));
        using var certificates = TestCertificates.Create();
        await using var secure = RawLoopbackServer.Start(_ => RawReply.Of($"HTTP/1.1 302 Found\r\nLocation: {plain.Url("/f.bin")}\r\nContent-Length: 0"), certificates.Server);
        using var temp = new TempDirectory();
        var options = DownloaderHarness.Options(temp.Out) with { Http = new HttpOptions { CaCertificateFile = certificates.WriteAuthorityPem(temp.Root) } };

        var result = await DownloaderHarness.RunOneAsync(options, new(secure.Url("/f.bin")));

        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error.ShouldBeOfType<RedirectException>().Message.ShouldContain("TLS");
        result.Attempts.ShouldBe(1);
        secure.Requests.Count.ShouldBe(1);
        plain.Requests.ShouldBeEmpty();
        File.Exists(Path.Combine(temp.Out, "f.bin")).ShouldBeFalse();
    }
}
