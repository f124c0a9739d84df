using System.Globalization;
using System.Net.Sockets;
using System.Text;
using Haul.Cli.Demo;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

/// <summary>The demo's own loopback HTTP/1.1 server, spoken to over raw sockets.</summary>
public sealed class DemoServerTests
{
    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Get_Page_AnswersHtmlAndKeepsTheConnection()
    {
        await using var site = await DemoSite.StartAsync(Token);
        using var client = await ConnectAsync(site);

        var first = await client.SendAsync("GET /gallery/ HTTP/1.1\r\nHost: demo\r\n\r\n");
        var second = await client.SendAsync("GET /robots.txt?x=1 HTTP/1.1\r\nHost: demo\r\n\r\n");

        first.Status.ShouldBe(200);
        first.Headers["content-type"].ShouldBe("text/html; charset=utf-8");
        Encoding.UTF8.GetString(first.Body).ShouldBe(site.Gallery.Pages[DemoGallery.StartPath]);
        second.Status.ShouldBe(200);
        second.Headers["connection"].ShouldBe("keep-alive");
        Encoding.UTF8.GetString(second.Body).ShouldBe("User-agent: *\nDisallow: /gallery/private/\n");
    }

    [Fact]
    public async Task Get_File_AnswersWholeBodyWithValidators()
    {
        await using var site = await DemoSite.StartAsync(Token);
        var picture = site.Gallery.Pictures[0];
        using var client = await ConnectAsync(site);

        var response = await client.SendAsync($"GET {picture.Path} HTTP/1.1\r\nHost: demo\r\n\r\n");

        response.Status.ShouldBe(200);
        TestData.Sha256(response.Body).ShouldBe(picture.Sha256);
        response.Headers["content-type"].ShouldBe("image/jpeg");
        response.Headers["accept-ranges"].ShouldBe("bytes");
        response.Headers["etag"].ShouldBe($"\"{picture.Sha256[..16]}\"");
        response.Headers.ShouldContainKey("last-modified");
    }

    [Theory]
    [InlineData("bytes=100-", 100, -1)]
    [InlineData("bytes=10-19", 10, 19)]
    [InlineData("bytes=-50", -50, -1)]
    [InlineData("bytes=100-999999999", 100, -1)]
    public async Task Get_Range_AnswersThatPart(string range, int from, int to)
    {
        await using var site = await DemoSite.StartAsync(Token);
        var picture = site.Gallery.Pictures[0];
        var length = picture.Content.Length;
        var start = from < 0 ? length + from : from;
        var end = to < 0 ? length - 1 : to;
        using var client = await ConnectAsync(site);

        var response = await client.SendAsync($"GET {picture.Path} HTTP/1.1\r\nHost: demo\r\nRange: {range}\r\n\r\n");

        response.Status.ShouldBe(206);
        response.Headers["content-range"].ShouldBe($"bytes {start}-{end}/{length}");
        TestData.Sha256(response.Body).ShouldBe(TestData.Sha256(picture.Content[start..(end + 1)]));
    }

    [Fact]
    public async Task Get_IfRangeMatchingEtagOrDate_AnswersPart_StaleAnswersWhole()
    {
        await using var site = await DemoSite.StartAsync(Token);
        var picture = site.Gallery.Pictures[1];
        using var client = await ConnectAsync(site);
        var whole = await client.SendAsync($"GET {picture.Path} HTTP/1.1\r\nHost: demo\r\n\r\n");

        var byEtag = await client.SendAsync($"GET {picture.Path} HTTP/1.1\r\nRange: bytes=5-\r\nIf-Range: {whole.Headers["etag"]}\r\n\r\n");
        var byDate = await client.SendAsync($"GET {picture.Path} HTTP/1.1\r\nRange: bytes=5-\r\nIf-Range: {whole.Headers["last-modified"]}\r\n\r\n");
        var stale = await client.SendAsync($"GET {picture.Path} HTTP/1.1\r\nRange: bytes=5-\r\nIf-Range: \"0000000000000000\"\r\n\r\n");

        byEtag.Status.ShouldBe(206);
        TestData.Sha256(byEtag.Body).ShouldBe(TestData.Sha256(picture.Content[5..]));
        byDate.Status.ShouldBe(206);
        stale.Status.ShouldBe(200);
        TestData.Sha256(stale.Body).ShouldBe(picture.Sha256);
    }

    [Fact]
    public async Task Get_RangePastTheEnd_Answers416WithTheLength()
    {
        await using var site = await DemoSite.StartAsync(Token);
        var picture = site.Gallery.Pictures[0];
        using var client = await ConnectAsync(site);

        var response = await client.SendAsync($"GET {picture.Path} HTTP/1.1\r\nRange: bytes={picture.Content.Length}-\r\n\r\n");

        response.Status.ShouldBe(416);
        response.Headers["content-range"].ShouldBe($"bytes */{picture.Content.Length}");
        response.Body.ShouldBeEmpty();
    }

    [Fact]
    public async Task Get_DropOnceFile_SendsHalfAndResetsOnce_ThenWhole()
    {
        await using var site = await DemoSite.StartAsync(Token);
        var file = site.Files.First(file => file.Fault == DemoFault.DropOnce);
        using var first = await ConnectAsync(site);

        var dropped = await first.SendAsync($"GET {file.Path} HTTP/1.1\r\n\r\n");
        using var second = await ConnectAsync(site);
        var whole = await second.SendAsync($"GET {file.Path} HTTP/1.1\r\n\r\n");

        dropped.Status.ShouldBe(200);
        dropped.Headers["content-length"].ShouldBe(file.Content.Length.ToString(CultureInfo.InvariantCulture));
        dropped.Body.Length.ShouldBe(file.Content.Length / 2);
        dropped.Body.ShouldBe(file.Content[..(file.Content.Length / 2)]);
        dropped.Closed.ShouldBeTrue();
        TestData.Sha256(whole.Body).ShouldBe(file.Sha256);
    }

    [Fact]
    public async Task Get_UnavailableOnceFile_Answers503WithRetryAfterOnce()
    {
        await using var site = await DemoSite.StartAsync(Token);
        var file = site.Files.First(file => file.Fault == DemoFault.UnavailableOnce);
        using var client = await ConnectAsync(site);

        var first = await client.SendAsync($"GET {file.Path} HTTP/1.1\r\n\r\n");
        var second = await client.SendAsync($"GET {file.Path} HTTP/1.1\r\n\r\n");

        first.Status.ShouldBe(503);
        first.Headers["retry-after"].ShouldBe("1");
        second.Status.ShouldBe(200);
        TestData.Sha256(second.Body).ShouldBe(file.Sha256);
    }

    [Theory]
    [InlineData("GET /nothing HTTP/1.1\r\n\r\n", 404, false)]
    [InlineData("HEAD /robots.txt HTTP/1.1\r\n\r\n", 200, false)]
    [InlineData("DELETE /robots.txt HTTP/1.1\r\n\r\n", 405, false)]
    [InlineData("GET /robots.txt HTTP/1.1\r\nConnection: close\r\n\r\n", 200, true)]
    [InlineData("GET /robots.txt HTTP/1.0\r\n\r\n", 200, true)]
    [InlineData("GET robots.txt HTTP/1.1\r\n\r\n", 400, true)]
    [InlineData("GET / HTTP/1.1\r\nno colon\r\n\r\n", 400, true)]
    public async Task Send_OtherRequests_AnswerStatusAndCloseWhenAsked(string request, int status, bool closes)
    {
        await using var site = await DemoSite.StartAsync(Token);
        using var client = await ConnectAsync(site);

        var response = await client.SendAsync(request, head: request.StartsWith("HEAD", StringComparison.Ordinal));

        response.Status.ShouldBe(status);
        response.Headers["connection"].ShouldBe(closes ? "close" : "keep-alive");
        if (status != 200)
        {
            response.Body.ShouldBeEmpty();
        }

        if (closes)
        {
            (await client.AtEndAsync()).ShouldBeTrue();
        }
        else
        {
            // Nothing stray (no body after HEAD or an error) sits before the next answer.
            var next = await client.SendAsync("GET /robots.txt HTTP/1.1\r\n\r\n");
            next.Status.ShouldBe(200);
            Encoding.UTF8.GetString(next.Body).ShouldBe("User-agent: *\nDisallow: /gallery/private/\n");
        }
    }

    [Fact]
    public async Task Send_HeadTooLarge_Answers431AndCloses()
    {
        await using var site = await DemoSite.StartAsync(Token);
        using var client = await ConnectAsync(site);

        var response = await client.SendAsync($"GET / HTTP/1.1\r\nX-Big: {new string('a', 20_000)}\r\n\r\n");

        response.Status.ShouldBe(431);
        (await client.AtEndAsync()).ShouldBeTrue();
    }

    [Fact]
    public async Task DisposeAsync_OpenConnection_IsClosedAndNoMoreAccepted()
    {
        var site = await DemoSite.StartAsync(Token);
        var address = site.BaseUri;
        using var client = await ConnectAsync(site);
        (await client.SendAsync("GET /robots.txt HTTP/1.1\r\n\r\n")).Status.ShouldBe(200);

        await site.DisposeAsync();

        (await client.AtEndAsync()).ShouldBeTrue();
        using var late = new TcpClient();
        await Should.ThrowAsync<SocketException>(() => late.ConnectAsync(address.Host, address.Port, Token).AsTask());
    }

    private static async Task<RawClient> ConnectAsync(DemoSite site)
    {
        var tcp = new TcpClient();
        await tcp.ConnectAsync(site.BaseUri.Host, site.BaseUri.Port, Token);
        return new RawClient(tcp);
    }

    private sealed record RawResponse(int Status, Dictionary<string, string> Headers, byte[] Body, bool Closed);

    /// <summary>One connection: writes a request, reads the head and up to Content-Length bytes (fewer when it is cut).</summary>
    private sealed class RawClient(TcpClient tcp) : IDisposable
    {
        private readonly NetworkStream _stream = tcp.GetStream();

        public async Task<RawResponse> SendAsync(string request, bool head = false)
        {
            await _stream.WriteAsync(Encoding.ASCII.GetBytes(request), Token);
            var text = new StringBuilder();
            var one = new byte[1];
            while (!text.ToString().EndsWith("\r\n\r\n", StringComparison.Ordinal))
            {
                (await _stream.ReadAsync(one, Token)).ShouldBe(1, $"the head ended early: {text}");
                text.Append((char)one[0]);
            }

            var lines = text.ToString().Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
            var headers = lines.Skip(1).Select(line => line.Split(':', 2)).ToDictionary(parts => parts[0].ToLowerInvariant(), parts => parts[1].Trim());
            var length = head ? 0 : int.Parse(headers["content-length"], CultureInfo.InvariantCulture);
            var body = new byte[length];
            var filled = 0;
            var closed = false;
            while (filled < length)
            {
                int read;
                try
                {
                    read = await _stream.ReadAsync(body.AsMemory(filled), Token);
                }
                catch (IOException)
                {
                    read = 0;
                }

                if (read == 0)
                {
                    closed = true;
                    break;
                }

                filled += read;
            }

            return new RawResponse(int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture), headers, body[..filled], closed);
        }

        /// <summary>Whether the server closed the connection (end of stream or reset); false only when it is still open after a generous wait.</summary>
        public async Task<bool> AtEndAsync()
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(Token);
            timeout.CancelAfter(TimeSpan.FromSeconds(30));
            try
            {
                return await _stream.ReadAsync(new byte[1], timeout.Token) == 0;
            }
            catch (IOException)
            {
                return true;
            }
            catch (OperationCanceledException) when (!Token.IsCancellationRequested)
            {
                return false;
            }
        }

        public void Dispose() => tcp.Dispose();
    }
}
