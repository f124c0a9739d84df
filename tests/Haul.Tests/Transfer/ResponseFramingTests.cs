using Haul.Errors;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Transfer;

/// <summary>Malformed replies sent byte for byte by a raw socket: refused at once, or read as curl reads them.</summary>
public sealed class ResponseFramingTests
{
    private const string Head = "HTTP/1.1 200 OK\r\nConnection: close\r\n";

    public static TheoryData<string, string> RefusedReplies => new()
    {
        { "negative Content-Length", Head + "Content-Length: -5" },
        { "non-numeric Content-Length", Head + "Content-Length: crap" },
        { "signed Content-Length", Head + "Content-Length: +12" },
        { "two different Content-Lengths", Head + "Content-Length: 12\r\nContent-Length: 13" },
        { "a list of different lengths", Head + "Content-Length: 12, 13" },
        { "HTTP/1.2", "HTTP/1.2 200 OK\r\nContent-Length: 12" },
        { "unknown transfer coding", Head + "Transfer-Encoding: identityx\r\nContent-Length: 12" },
        { "chunked not last", Head + "Transfer-Encoding: chunked, identity" },
        { "chunked twice", Head + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked" },
        { "garbage status code", "HTTP/1.1 2x0 OK\r\nContent-Length: 12" },
        { "a bare CR inside a header", Head + "X-A: a\rb\r\nContent-Length: 12" },
        { "a NUL inside a header", Head + "X-A: a\0b\r\nContent-Length: 12" },
        { "10,000 headers", Head + string.Concat(Enumerable.Range(0, 10_000).Select(i => $"X-H{i}: v\r\n")) + "Content-Length: 12" },
        { "a 1 MB header line", Head + "X-Big: " + new string('a', 1 << 20) + "\r\nContent-Length: 12" },
        { "more header fields than allowed", Head + string.Concat(Enumerable.Range(0, 2_000).Select(_ => "X: a\r\n")) + "Content-Length: 12" },
    };

    [Theory]
    [MemberData(nameof(RefusedReplies))]
    public async Task Download_MalformedReply_FailsAtOnceWithProtocolKind(string name, string head)
    {
        var body = "hello world!"u8.ToArray();
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of(head, body));
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/f.bin")));

        result.Status.ShouldBe(DownloadStatus.Failed, name);
        var error = result.Error.ShouldBeOfType<ProtocolException>(name);
        error.IsTransient.ShouldBeFalse(name);
        error.Message.ShouldContain(server.Url("/f.bin"));
        result.Attempts.ShouldBe(1, name);
        server.Requests.Count.ShouldBe(1, name);
        File.Exists(Path.Combine(temp.Out, "f.bin")).ShouldBeFalse(name);
    }

    [Theory]
    [InlineData("a NUL", "X-T: a\0b")]
    [InlineData("a bare CR", "X-T: a\rb")]
    public async Task Download_BrokenChunkedTrailer_FailsAtOnceWithProtocolKind(string name, string trailer)
    {
        var body = "c\r\nhello world!\r\n0\r\n" + trailer + "\r\n\r\n";
        await using var server = RawLoopbackServer.Start(_ => RawReply.Latin1(Head + "Transfer-Encoding: chunked\r\n\r\n" + body));
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/t.bin")));

        var error = result.Error.ShouldBeOfType<ProtocolException>(name);
        error.Message.ShouldContain("trailer");
        error.IsTransient.ShouldBeFalse(name);
        result.Attempts.ShouldBe(1);
        server.Requests.Count.ShouldBe(1);
        File.Exists(Path.Combine(temp.Out, "t.bin")).ShouldBeFalse();
    }

    [Fact]
    public async Task Download_BareCrInTheSecondReplyOfAConnection_OnlyThatOneFails()
    {
        var first = TestData.Bytes(4000, seed: 45);
        await using var server = RawLoopbackServer.Start(request => request.Target == "/1.bin"
            ? RawReply.Of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked", Chunked(first, 999), keepAlive: true)
            : RawReply.Of("HTTP/1.1 200 OK\r\nX-A: a\rb\r\nContent-Length: 2", "no"u8.ToArray(), keepAlive: true));
        using var temp = new TempDirectory();
        var options = DownloaderHarness.Options(temp.Out) with { MaxConcurrent = 1 };

        var results = await DownloaderHarness.RunAsync(options, new(server.Url("/1.bin")), new(server.Url("/2.bin")));

        var one = results.Single(r => r.Request.Url.EndsWith("/1.bin", StringComparison.Ordinal));
        var two = results.Single(r => r.Request.Url.EndsWith("/2.bin", StringComparison.Ordinal));
        one.Status.ShouldBe(DownloadStatus.Ok, one.Error?.Message);
        TestData.FileSha256(Path.Combine(temp.Out, "1.bin")).ShouldBe(TestData.Sha256(first));
        two.Error.ShouldBeOfType<ProtocolException>().Message.ShouldContain("bare CR");
        two.Attempts.ShouldBe(1);
        server.Requests.Select(r => (r.Connection, r.Target)).ShouldBe([(1, "/1.bin"), (1, "/2.bin")]);
    }

    [Fact]
    public async Task Download_JunkWithNulAfterACompleteReply_TheReplyIsKept()
    {
        var body = TestData.Bytes(3000, seed: 46);
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of("HTTP/1.1 200 OK\r\nContent-Length: 3000", [.. body, .. "\0\r junk"u8.ToArray()]));
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/j.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
        TestData.FileSha256(Path.Combine(temp.Out, "j.bin")).ShouldBe(TestData.Sha256(body));
    }

    [Fact]
    public async Task Download_TwoDifferentLocations_FailsAtOnceWithProtocolKind()
    {
        await using var server = RawLoopbackServer.Start(request => request.Target == "/f.bin"
            ? RawReply.Of("HTTP/1.1 302 Found\r\nLocation: /a.bin\r\nLocation: /b.bin\r\nContent-Length: 0")
            : RawReply.Of(Head + "Content-Length: 2", "ok"u8.ToArray()));
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/f.bin")));

        result.Error.ShouldBeOfType<ProtocolException>().Message.ShouldContain("Location");
        result.Attempts.ShouldBe(1);
        server.Requests.ShouldHaveSingleItem().Target.ShouldBe("/f.bin");
        temp.AllFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task Download_ChunkedWithContentLength_ChunkedWins()
    {
        var body = TestData.Bytes(3000, seed: 41);
        var chunked = Chunked(body, 1000);
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of(Head + "Content-Length: 99999\r\nTransfer-Encoding: chunked", chunked));
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/c.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
        TestData.FileSha256(Path.Combine(temp.Out, "c.bin")).ShouldBe(TestData.Sha256(body));
        server.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Download_RepeatedContentLengthOnKeptAliveConnection_ReadsThatLength()
    {
        var body = TestData.Bytes(5000, seed: 42);
        // The connection stays open after the body: only the declared length can end it.
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of("HTTP/1.1 200 OK\r\nContent-Length: 5000, 5000", body, keepAlive: true));
        using var temp = new TempDirectory();
        var options = DownloaderHarness.Options(temp.Out) with { IdleTimeout = TimeSpan.FromSeconds(10), Retries = 0 };

        var result = await DownloaderHarness.RunOneAsync(options, new(server.Url("/l.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
        TestData.FileSha256(Path.Combine(temp.Out, "l.bin")).ShouldBe(TestData.Sha256(body));
    }

    [Fact]
    public async Task Download_RedirectToTheSameUrlAFewTimes_FollowedUntilTheAnswer()
    {
        var body = TestData.Bytes(2000, seed: 43);
        var hits = 0;
        await using var server = RawLoopbackServer.Start(_ => Interlocked.Increment(ref hits) <= 3
            ? RawReply.Of("HTTP/1.1 302 Found\r\nLocation: /same.bin\r\nConnection: close\r\nContent-Length: 0")
            : RawReply.Of(Head + "Content-Length: 2000", body));
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/same.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
        TestData.FileSha256(Path.Combine(temp.Out, "same.bin")).ShouldBe(TestData.Sha256(body));
        server.Requests.Select(r => r.Target).ShouldBe(Enumerable.Repeat("/same.bin", 4));
    }

    [Fact]
    public async Task Download_RedirectToTheSameUrlPastTheLimit_FailsAsALoop()
    {
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of("HTTP/1.1 302 Found\r\nLocation: /same.bin\r\nConnection: close\r\nContent-Length: 0"));
        using var temp = new TempDirectory();
        var options = DownloaderHarness.Options(temp.Out) with { MaxRedirects = 3 };

        var result = await DownloaderHarness.RunOneAsync(options, new(server.Url("/same.bin")));

        result.Error.ShouldBeOfType<RedirectException>().Message.ShouldContain("loop");
        server.Requests.Count.ShouldBe(4);
        temp.AllFiles().ShouldBeEmpty();
    }

    public static TheoryData<string, string> DispositionNames => new()
    {
        { "filename=a.jpg; charset=x", "a.jpg" },
        { "attachment; filename='a.jpg", "a.jpg" },
        { "attachment; filename=\"../../up/b.jpg\"", "b.jpg" },
        { "attachment; filename=\"..\\\\..\\\\up\\\\c.jpg\"", "c.jpg" },
        { "filename*=UTF-8''%E2%82%AC%20rates.pdf", "€ rates.pdf" },
    };

    [Theory]
    [MemberData(nameof(DispositionNames))]
    public async Task Download_ContentDispositionAsCurlReadsIt_SavedUnderThatName(string disposition, string expected)
    {
        var body = TestData.Bytes(1500, seed: 44);
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of(Head + $"Content-Disposition: {disposition}\r\nContent-Length: 1500", body));
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/download")));

        result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
        result.Path.ShouldBe(Path.Combine(temp.Out, expected));
        TestData.FileSha256(result.Path!).ShouldBe(TestData.Sha256(body));
        temp.AllFiles().ShouldBe([Path.Combine("out", expected)]);
    }

    internal static byte[] Chunked(byte[] body, int size)
    {
        var output = new MemoryStream();
        for (var i = 0; i < body.Length; i += size)
        {
            var n = Math.Min(size, body.Length - i);
            output.Write(System.Text.Encoding.ASCII.GetBytes($"{n:x}\r\n"));
            output.Write(body, i, n);
            output.Write("\r\n"u8);
        }

        output.Write("0\r\n\r\n"u8);
        return output.ToArray();
    }
}
