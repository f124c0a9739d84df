using Haul.Crawling;
using Haul.Errors;
using Haul.Scheduling;
using Haul.Tests.EndToEnd;
using Haul.Transfer;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Crawling;

public sealed class PageFetcherTests
{
    [Fact]
    public async Task FetchAsync_BodyLongerThanCap_ReadsExactlyTheCap()
    {
        await using var server = await LoopbackServer.StartAsync();
        var body = TestData.Bytes(300_000, seed: 9150);
        server.Map("/big.html", (context, _) =>
        {
            context.Response.ContentType = "text/html";
            return server.ServeAsync(context, body);
        });
        using var client = HttpClientFactory.Create(Options);

        var reply = await Fetcher(client).FetchAsync(ExchangeFor(server.Url("/big.html")), Get, 100_001, _ => true, TestContext.Current.CancellationToken);

        reply.Status.ShouldBe(200);
        TestData.Sha256(reply.Body.ToArray()).ShouldBe(TestData.Sha256(body[..100_001]));
    }

    [Fact]
    public async Task FetchAsync_MediaTypeNotWanted_BodyLeftUnread()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/movie", (context, _) =>
        {
            context.Response.ContentType = "video/mp4";
            return server.ServeAsync(context, TestData.Bytes(5000, seed: 9151));
        });
        using var client = HttpClientFactory.Create(Options);

        var reply = await Fetcher(client).FetchAsync(ExchangeFor(server.Url("/movie")), Get, 1_000_000, type => type == "text/html", TestContext.Current.CancellationToken);

        reply.Status.ShouldBe(200);
        reply.MediaType.ShouldBe("video/mp4");
        reply.Body.Length.ShouldBe(0);
    }

    [Fact]
    public async Task FetchAsync_NotFound_ThrowsStatusWithoutRetrying()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var client = HttpClientFactory.Create(Options);

        var error = await Should.ThrowAsync<HttpStatusException>(() =>
            Fetcher(client).FetchAsync(ExchangeFor(server.Url("/none")), Get, 1000, _ => true, TestContext.Current.CancellationToken));

        error.StatusCode.ShouldBe(404);
        server.Hits("/none").ShouldBe(1);
    }

    [Fact]
    public async Task FetchAsync_ServerErrorThenOk_RetriedToTheBody()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/flaky.html", (context, hit) =>
        {
            if (hit < 3)
            {
                context.Response.StatusCode = StatusCodes.Status502BadGateway;
                return Task.CompletedTask;
            }

            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync("<p>ok</p>");
        });
        using var client = HttpClientFactory.Create(Options);

        var reply = await Fetcher(client).FetchAsync(ExchangeFor(server.Url("/flaky.html")), Get, 1000, _ => true, TestContext.Current.CancellationToken);

        reply.Body.ToArray().ShouldBe("<p>ok</p>"u8.ToArray());
        server.Hits("/flaky.html").ShouldBe(3);
    }

    [Fact]
    public async Task FetchAsync_RedirectHandedBack_LocationResolved()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/old", (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status301MovedPermanently;
            context.Response.Headers.Location = "new/place.html";
            return Task.CompletedTask;
        });
        using var client = HttpClientFactory.Create(Options);
        var exchange = ExchangeFor(server.Url("/old")) with { FollowRedirects = false };

        var reply = await Fetcher(client).FetchAsync(exchange, Get, 1000, _ => true, TestContext.Current.CancellationToken);

        reply.Status.ShouldBe(301);
        reply.Location.ShouldBe(new Uri(server.Url("/new/place.html")));
        server.Hits("/new/place.html").ShouldBe(0);
    }

    [Fact]
    public async Task FetchAsync_EveryAttempt_HoldsTheHostGateWhileItsReplyIsRead()
    {
        await using var server = await LoopbackServer.StartAsync();
        var gate = new RecordingGate();
        server.Map("/page.html", (context, hit) =>
        {
            // The request is on the wire: the fetcher must be holding the host's slot now.
            gate.Held.ShouldBe(1);
            context.Response.StatusCode = hit == 1 ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            return context.Response.WriteAsync("<p>ok</p>");
        });
        using var client = HttpClientFactory.Create(Options);
        var fetcher = new PageFetcher(new RequestSender(client, Options, null), Options, new RetryPolicy(Options), new HostPacer(TimeSpan.Zero, TimeProvider.System), gate, TimeProvider.System);

        var reply = await fetcher.FetchAsync(ExchangeFor(server.Url("/page.html")), Get, 1000, _ => true, TestContext.Current.CancellationToken);

        reply.Status.ShouldBe(200);
        gate.Entered.ShouldBe([$"127.0.0.1:{server.BaseUri.Port}", $"127.0.0.1:{server.BaseUri.Port}"]);
        gate.Held.ShouldBe(0);
    }

    private static DownloadOptions Options => new() { Directory = ".", Retries = 3, RetryBaseDelay = TimeSpan.Zero, RetryMaxDelay = TimeSpan.Zero };

    private static PageFetcher Fetcher(HttpClient client) =>
        new(new RequestSender(client, Options, null), Options, new RetryPolicy(Options), new HostPacer(TimeSpan.Zero, TimeProvider.System), new HostLimiter(1), TimeProvider.System);

    private static Exchange ExchangeFor(string url) => new(new DownloadRequest(url) { Page = url }, new Uri(url), null);

    private static HttpRequestMessage Get(Uri uri) => new(HttpMethod.Get, uri);

    /// <summary>Records which hosts were entered and how many slots are held.</summary>
    private sealed class RecordingGate : IHostGate
    {
        private int _held;

        public System.Collections.Concurrent.ConcurrentQueue<string> Entered { get; } = new();

        public int Held => Volatile.Read(ref _held);

        public ValueTask<IAsyncDisposable> EnterAsync(string hostKey, CancellationToken cancellationToken)
        {
            Entered.Enqueue(hostKey);
            Interlocked.Increment(ref _held);
            return ValueTask.FromResult<IAsyncDisposable>(new Slot(this));
        }

        private sealed class Slot(RecordingGate gate) : IAsyncDisposable
        {
            public ValueTask DisposeAsync()
            {
                Interlocked.Decrement(ref gate._held);
                return ValueTask.CompletedTask;
            }
        }
    }
}
