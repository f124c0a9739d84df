using Haul.Http;
using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Http;

public sealed class ProxyTests
{
    [Fact]
    public async Task Get_HttpProxyFlag_TrafficGoesThroughTheProxy()
    {
        var content = TestData.Bytes(20_000, seed: 730);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/p.bin", content);
        await using var proxy = LoopbackProxy.Start();
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/p.bin"), "-d", temp.Out, "--json", "--proxy", proxy.Url);

        run.ExitCode.ShouldBe(0, run.Error);
        proxy.Forwarded.ShouldBe(1);
        proxy.Requests.ShouldHaveSingleItem().Line.ShouldBe($"GET {server.Url("/p.bin")} HTTP/1.1");
        TestData.FileSha256(Path.Combine(temp.Out, "p.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_ProxyWithLogin_AnswersTheChallengeAndNeverPrintsThePassword()
    {
        var content = TestData.Bytes(9000, seed: 731);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/q.bin", content);
        await using var proxy = LoopbackProxy.Start("proxyuser", "proxy-secret-9");
        using var temp = new TempDirectory();
        var url = $"http://proxyuser:proxy-secret-9@127.0.0.1:{proxy.Port}";

        var run = await CliRun.RunAsync("get", server.Url("/q.bin"), "-d", temp.Out, "--json", "--proxy", url);
        var denied = await CliRun.RunAsync("get", server.Url("/q.bin"), "-d", temp.Out, "-o", "r.bin", "--json", "--proxy", $"http://proxyuser:wrong-secret-7@127.0.0.1:{proxy.Port}");

        run.ExitCode.ShouldBe(0, run.Error);
        proxy.Forwarded.ShouldBe(1);
        TestData.FileSha256(Path.Combine(temp.Out, "q.bin")).ShouldBe(TestData.Sha256(content));
        denied.ExitCode.ShouldBe(1);
        (denied.Out + denied.Error).ShouldNotContain("wrong-secret-7");
        (run.Out + run.Error).ShouldNotContain("proxy-secret-9");
    }

    [Fact]
    public async Task Get_EnvironmentProxy_UsedUnlessNoProxyCoversTheHost()
    {
        var content = TestData.Bytes(7000, seed: 732);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/e.bin", content);
        await using var proxy = LoopbackProxy.Start();
        using var temp = new TempDirectory();
        var environment = new Dictionary<string, string> { ["http_proxy"] = proxy.Url };

        var proxied = await CliWithEnvironment.RunAsync(environment, "get", server.Url("/e.bin"), "-d", temp.Out, "--json", "--no-journal");
        File.Delete(Path.Combine(temp.Out, "e.bin"));
        var bypassed = await CliWithEnvironment.RunAsync(environment, "get", server.Url("/e.bin"), "-d", temp.Out, "--json", "--no-journal", "--no-proxy", "127.0.0.0/8");
        File.Delete(Path.Combine(temp.Out, "e.bin"));
        environment["NO_PROXY"] = "localhost,127.0.0.1";
        var bypassedByEnvironment = await CliWithEnvironment.RunAsync(environment, "get", server.Url("/e.bin"), "-d", temp.Out, "--json", "--no-journal");
        File.Delete(Path.Combine(temp.Out, "e.bin"));
        environment.Remove("NO_PROXY");
        var flagOff = await CliWithEnvironment.RunAsync(environment, "get", server.Url("/e.bin"), "-d", temp.Out, "--json", "--no-journal", "--proxy", "");

        foreach (var run in new[] { proxied, bypassed, bypassedByEnvironment, flagOff })
        {
            run.ExitCode.ShouldBe(0, run.Error);
        }

        proxy.Forwarded.ShouldBe(1);
        server.Hits("/e.bin").ShouldBe(4);
        TestData.FileSha256(Path.Combine(temp.Out, "e.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_Socks5Proxy_TrafficGoesThroughTheProxy()
    {
        var content = TestData.Bytes(30_000, seed: 733);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/s.bin", content);
        await using var socks = LoopbackSocks5Proxy.Start();
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/s.bin"), "-d", temp.Out, "--json", "--proxy", socks.Url);

        run.ExitCode.ShouldBe(0, run.Error);
        socks.Connections.ShouldBe(1);
        socks.Destinations.ShouldHaveSingleItem().ShouldBe($"127.0.0.1:{server.BaseUri.Port}");
        TestData.FileSha256(Path.Combine(temp.Out, "s.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Download_HttpsThroughHttpProxy_TunnelledWithConnect()
    {
        var content = TestData.Bytes(12_000, seed: 734);
        using var certificates = TestCertificates.Create();
        await using var server = await HttpsLoopbackServer.StartAsync(certificates.Server, content);
        await using var proxy = LoopbackProxy.Start();
        using var temp = new TempDirectory();
        var options = DownloaderHarness.Options(temp.Out) with
        {
            Http = new HttpOptions { HttpsProxy = proxy.Url, CaCertificateFile = certificates.WriteAuthorityPem(temp.Root) },
        };

        var result = await DownloaderHarness.RunOneAsync(options, new DownloadRequest(server.Url("/t.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
        result.Sha256.ShouldBe(TestData.Sha256(content));
        proxy.Requests.ShouldHaveSingleItem().Line.ShouldBe($"CONNECT 127.0.0.1:{server.BaseUri.Port} HTTP/1.1");
        TestData.FileSha256(result.Path!).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Download_InvalidHostThroughProxy_DnsKindWithoutReachingTheProxy()
    {
        await using var proxy = LoopbackProxy.Start();
        using var temp = new TempDirectory();
        var options = DownloaderHarness.Options(temp.Out) with { Http = new HttpOptions { HttpProxy = proxy.Url } };

        var result = await DownloaderHarness.RunOneAsync(options, new DownloadRequest("http://nowhere.invalid/a.bin"));

        result.Error.ShouldNotBeNull().Kind.ShouldBe(Haul.Errors.ErrorKind.Dns);
        proxy.Requests.ShouldBeEmpty();
    }
}
