using System.Net;
using System.Net.Sockets;
using Haul.Errors;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.EndToEnd;

public sealed class FailureTests
{
    [Fact]
    public async Task Download_404_FailsAtOnceWithHttpKindAndLeavesNothing()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/missing.jpg")));

        result.Status.ShouldBe(DownloadStatus.Failed);
        var error = result.Error.ShouldBeOfType<HttpStatusException>();
        error.StatusCode.ShouldBe(404);
        error.Message.ShouldContain("404");
        error.Message.ShouldContain("/missing.jpg");
        result.Attempts.ShouldBe(1);
        server.Hits("/missing.jpg").ShouldBe(1);
        temp.AllFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task Download_RedirectChain_FollowsToTheFile()
    {
        var content = TestData.Bytes(10_000, seed: 11);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/start", (context, _) => Redirect(context, "/hop1"));
        server.Map("/hop1", (context, _) => Redirect(context, server.Url("/hop2")));
        server.Map("/hop2", (context, _) => Redirect(context, "files/final.bin", StatusCodes.Status307TemporaryRedirect));
        server.MapFile("/files/final.bin", content);
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/start")) { OutName = "final.bin" });

        result.Status.ShouldBe(DownloadStatus.Ok);
        TestData.FileSha256(Path.Combine(temp.Out, "final.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Download_RedirectLoop_FailsWithRedirectKind()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/a", (context, _) => Redirect(context, "/b"));
        server.Map("/b", (context, _) => Redirect(context, "/a"));
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/a")));

        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error.ShouldBeOfType<RedirectException>().Message.ShouldContain("loop");
        result.Attempts.ShouldBe(1);
        temp.AllFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task Download_MoreThanTenRedirects_FailsWithRedirectKind()
    {
        await using var server = await LoopbackServer.StartAsync();
        for (var i = 0; i < 12; i++)
        {
            var next = $"/r{i + 1}";
            server.Map($"/r{i}", (context, _) => Redirect(context, next));
        }

        server.MapFile("/r12", TestData.Bytes(10));
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/r0")));

        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error.ShouldBeOfType<RedirectException>().Message.ShouldContain("More than 10 redirects");
        server.Hits("/r11").ShouldBe(0);
    }

    [Fact]
    public async Task Download_UnknownHost_FailsWithDnsKindNamingTheHost()
    {
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new("http://no-such-host.invalid/x.jpg"));

        result.Status.ShouldBe(DownloadStatus.Failed);
        var error = result.Error.ShouldBeOfType<DnsException>();
        error.Host.ShouldBe("no-such-host.invalid");
        error.Message.ShouldContain("'no-such-host.invalid' could not be found");
        result.Attempts.ShouldBe(1);
    }

    [Fact]
    public async Task Download_ConnectionRefused_RetriesThenFailsWithConnectKind()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }

        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out) with { Retries = 2 }, new($"http://127.0.0.1:{port}/x.bin"));

        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error.ShouldBeOfType<ConnectException>().Message.ShouldContain("refused");
        result.Attempts.ShouldBe(3);
        temp.AllFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task Download_ConnectNeverAnswered_FailsWithTimeoutKindAfterConnectTimeout()
    {
        // A listener that never accepts, with its backlog filled: Linux drops further SYNs, so a
        // new connect hangs until the client gives up.
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(1);
        var endPoint = (IPEndPoint)listener.LocalEndPoint!;
        var fillers = new List<Socket>();
        try
        {
            for (var i = 0; i < 8; i++)
            {
                var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { Blocking = false };
                fillers.Add(filler);
                try
                {
                    filler.Connect(endPoint);
                }
                catch (SocketException)
                {
                }
            }

            using var temp = new TempDirectory();
            var options = DownloaderHarness.Options(temp.Out) with { ConnectTimeout = TimeSpan.FromSeconds(1), Retries = 0 };

            var result = await DownloaderHarness.RunOneAsync(options, new($"http://127.0.0.1:{endPoint.Port}/never.bin"));

            result.Status.ShouldBe(DownloadStatus.Failed);
            result.Error.ShouldBeOfType<TransferTimeoutException>().Message.ShouldStartWith($"Connecting to 127.0.0.1:{endPoint.Port} took longer than 1 s");
            temp.AllFiles().ShouldBeEmpty();
        }
        finally
        {
            fillers.ForEach(filler => filler.Dispose());
        }
    }

    [Fact]
    public async Task Download_OneFailureAmongMany_OthersStillSucceed()
    {
        await using var server = await LoopbackServer.StartAsync();
        var contents = Enumerable.Range(0, 20).Select(i => TestData.Bytes(1000 + i, seed: 100 + i)).ToArray();
        for (var i = 0; i < contents.Length; i++)
        {
            server.MapFile($"/ok/{i}.bin", contents[i]);
        }

        using var temp = new TempDirectory();
        DownloadRequest[] requests =
        [
            .. Enumerable.Range(0, 10).Select(i => new DownloadRequest(server.Url($"/ok/{i}.bin"))),
            new(server.Url("/gone.bin")),
            new("not a url") { Line = 12 },
            .. Enumerable.Range(10, 10).Select(i => new DownloadRequest(server.Url($"/ok/{i}.bin"))),
        ];

        var results = await DownloaderHarness.RunAsync(DownloaderHarness.Options(temp.Out), requests);

        results.Count.ShouldBe(22);
        results.Count(r => r.Status == DownloadStatus.Ok).ShouldBe(20);
        results.Single(r => r.Url.EndsWith("/gone.bin", StringComparison.Ordinal)).Error!.Kind.ShouldBe(ErrorKind.Http);
        var invalid = results.Single(r => r.Url == "not a url").Error.ShouldBeOfType<InvalidUrlException>();
        invalid.Message.ShouldStartWith("Line 12:");
        for (var i = 0; i < contents.Length; i++)
        {
            TestData.FileSha256(Path.Combine(temp.Out, $"{i}.bin")).ShouldBe(TestData.Sha256(contents[i]));
        }
    }

    private static Task Redirect(HttpContext context, string location, int status = StatusCodes.Status302Found)
    {
        context.Response.StatusCode = status;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    }
}
