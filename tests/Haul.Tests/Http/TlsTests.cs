using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Http;

public sealed class TlsTests
{
    [Fact]
    public async Task Get_SelfSignedServer_RefusedAsTlsThenAcceptedWithCaCertificate()
    {
        var content = TestData.Bytes(8000, seed: 740);
        using var certificates = TestCertificates.Create();
        await using var server = await HttpsLoopbackServer.StartAsync(certificates.Server, content);
        using var temp = new TempDirectory();

        var refused = await CliRun.RunAsync("get", server.Url("/c.bin"), "-d", temp.Out, "--json", "--retries", "0");
        var accepted = await CliRun.RunAsync("get", server.Url("/c.bin"), "-d", temp.Out, "--json", "--ca-certificate", certificates.WriteAuthorityPem(temp.Root));

        refused.ExitCode.ShouldBe(1);
        var error = refused.JsonLines.ShouldHaveSingleItem().GetProperty("error");
        error.GetProperty("kind").GetString().ShouldBe("tls");
        error.GetProperty("message").GetString().ShouldBe(
            $"The certificate of 127.0.0.1:{server.BaseUri.Port} is not signed by a trusted authority, so {server.Url("/c.bin")} was not fetched; trust its issuer with --ca-certificate FILE.");
        refused.JsonLines[0].GetProperty("attempts").GetInt32().ShouldBe(1);
        accepted.ExitCode.ShouldBe(0, accepted.Error);
        server.Requests.ShouldBe(1);
        TestData.FileSha256(Path.Combine(temp.Out, "c.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_Insecure_AcceptsAnyCertificateWithAWarning()
    {
        var content = TestData.Bytes(5000, seed: 741);
        using var certificates = TestCertificates.Create();
        await using var server = await HttpsLoopbackServer.StartAsync(certificates.Server, content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/i.bin"), "-d", temp.Out, "--json", "--insecure");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldContain("warning: --insecure");
        TestData.FileSha256(Path.Combine(temp.Out, "i.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_CaCertificateForAnotherAuthority_StillRefused()
    {
        var content = TestData.Bytes(1000, seed: 742);
        using var certificates = TestCertificates.Create();
        using var stranger = TestCertificates.Create();
        await using var server = await HttpsLoopbackServer.StartAsync(certificates.Server, content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/x.bin"), "-d", temp.Out, "--json", "--ca-certificate", stranger.WriteAuthorityPem(temp.Root));

        run.ExitCode.ShouldBe(1);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("error").GetProperty("kind").GetString().ShouldBe("tls");
        server.Requests.ShouldBe(0);
    }

    [Fact]
    public async Task Get_UnreadableCaFile_UsageError()
    {
        using var temp = new TempDirectory();
        var bogus = Path.Combine(temp.Root, "bogus.pem");
        File.WriteAllText(bogus, "not a certificate");

        var run = await CliRun.RunAsync("get", "https://127.0.0.1:9/a", "-d", temp.Out, "--ca-certificate", bogus);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("CA certificate file");
    }
}
