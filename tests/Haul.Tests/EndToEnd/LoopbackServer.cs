using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Haul.Tests.EndToEnd;

/// <summary>What the server saw of one request.</summary>
public sealed record RecordedRequest(string Path, string? Range, string? IfRange);

/// <summary>
/// A Kestrel server on 127.0.0.1, port 0, whose routes are scripted by each test: exact
/// statuses, headers, bodies cut short, dropped connections, stalls. It records every request.
/// </summary>
public sealed class LoopbackServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<string, Func<HttpContext, int, Task>> _routes = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _hits = new(StringComparer.Ordinal);
    private long _bodyBytes;
    private int _inFlight;
    private int _peakInFlight;

    private LoopbackServer(WebApplication app) => _app = app;

    public ConcurrentQueue<RecordedRequest> Requests { get; } = new();

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>Body bytes written by <see cref="ServeAsync"/> so far.</summary>
    public long BodyBytes => Interlocked.Read(ref _bodyBytes);

    /// <summary>The most requests that were being handled at once.</summary>
    public int PeakInFlight => Volatile.Read(ref _peakInFlight);

    public static async Task<LoopbackServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();
        var server = new LoopbackServer(app);
        app.Run(server.HandleAsync);
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        server.BaseUri = new Uri(address);
        return server;
    }

    public string Url(string path) => new Uri(BaseUri, path).AbsoluteUri;

    /// <summary>Scripts a route; the handler gets the context and the 1-based hit count of that path.</summary>
    public void Map(string path, Func<HttpContext, int, Task> handler) => _routes[path] = handler;

    /// <summary>Serves a file with ETag and Range support: the plain, well-behaved case.</summary>
    public void MapFile(string path, byte[] content, string etag = "\"v1\"") =>
        Map(path, (context, _) => ServeAsync(context, content, etag));

    public int Hits(string path) => _hits.TryGetValue(path, out var hits) ? hits : 0;

    /// <summary>Answers like a good static server: honours Range and If-Range (strong ETag), sets Content-Length.</summary>
    /// <param name="context">The request.</param>
    /// <param name="content">The whole file.</param>
    /// <param name="etag">The strong ETag to send and to match If-Range against.</param>
    /// <param name="honourRange">False plays a server that ignores Range.</param>
    /// <param name="dropAfter">Drop the connection after this many body bytes.</param>
    /// <param name="partPath">With <paramref name="dropAfter"/>: the client's .part file, to drop only once it holds every byte sent.</param>
    public async Task ServeAsync(HttpContext context, byte[] content, string? etag = "\"v1\"", bool honourRange = true, int? dropAfter = null, string? partPath = null)
    {
        var (start, end) = StartReply(context, content.Length, etag, honourRange);
        var count = (int)(end + 1 - start);
        if (dropAfter is { } cut && cut < count)
        {
            await WriteBodyAsync(context, content.AsMemory((int)start, cut));
            await DropConnectionAsync(context, partPath, start + cut);
            return;
        }

        await WriteBodyAsync(context, content.AsMemory((int)start, count));
    }

    /// <summary>
    /// Sets the status and headers of a reply as a good static server would (ETag, Accept-Ranges,
    /// Content-Length; a 206 with Content-Range when the Range is honoured and If-Range matches)
    /// and returns the inclusive span of the file's bytes the body must carry.
    /// </summary>
    public static (long Start, long End) StartReply(HttpContext context, long length, string? etag = "\"v1\"", bool honourRange = true)
    {
        var response = context.Response;
        if (etag is not null)
        {
            response.Headers.ETag = etag;
        }

        if (honourRange)
        {
            response.Headers.AcceptRanges = "bytes";
        }

        (long Start, long End) span = (0, length - 1);
        var ifRange = context.Request.Headers.IfRange.ToString();
        if (honourRange && (ifRange.Length == 0 || ifRange == etag) && ParseRange(context.Request.Headers.Range.ToString(), length) is { } range)
        {
            span = range;
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = $"bytes {span.Start}-{span.End}/{length}";
        }

        response.ContentLength = span.End + 1 - span.Start;
        return span;
    }

    /// <summary>A single <c>bytes=FROM-</c> or <c>bytes=FROM-TO</c> range within the file, as inclusive offsets.</summary>
    public static (long Start, long End)? ParseRange(string header, long length)
    {
        if (!header.StartsWith("bytes=", StringComparison.Ordinal) || header.Contains(',', StringComparison.Ordinal))
        {
            return null;
        }

        var dash = header.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0 || !long.TryParse(header.AsSpan(6, dash - 6), out var from) || from >= length)
        {
            return null;
        }

        var to = length - 1;
        if (dash + 1 < header.Length && (!long.TryParse(header.AsSpan(dash + 1), out to) || to < from))
        {
            return null;
        }

        return (from, Math.Min(to, length - 1));
    }

    /// <summary>
    /// A <c>Range: bytes=LENGTH-</c> (the client asking whether its copy is whole) answered as a good
    /// static server does: 416 with <c>Content-Range: bytes */LENGTH</c>, no body. False for any other request.
    /// </summary>
    public static bool TryAnswerBeyondEnd(HttpContext context, long length)
    {
        if (context.Request.Headers.Range.ToString() != $"bytes={length}-")
        {
            return false;
        }

        context.Response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
        context.Response.Headers.ContentRange = $"bytes */{length}";
        context.Response.ContentLength = 0;
        return true;
    }

    public async Task WriteBodyAsync(HttpContext context, ReadOnlyMemory<byte> bytes)
    {
        await context.Response.Body.WriteAsync(bytes);
        Interlocked.Add(ref _bodyBytes, bytes.Length);
    }

    /// <summary>
    /// Announces the whole <paramref name="content"/>, sends its first <paramref name="bytes"/>, then
    /// goes silent until the client hangs up: a stalled transfer.
    /// </summary>
    public async Task ServeThenStallAsync(HttpContext context, byte[] content, int bytes, string? etag = null)
    {
        if (etag is not null)
        {
            context.Response.Headers.ETag = etag;
        }

        context.Response.ContentLength = content.Length;
        await WriteBodyAsync(context, content.AsMemory(0, bytes));
        await context.Response.Body.FlushAsync();
        await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    /// <summary>
    /// Ends the connection mid-response. Kestrel sends in the background, and an abort's RST can
    /// make the client's kernel drop bytes it has not read yet; so, when the client's .part file is
    /// known, the drop waits until the client has written every byte sent.
    /// </summary>
    public static async Task DropConnectionAsync(HttpContext context, string? partPath, long partLength)
    {
        await context.Response.Body.FlushAsync();
        if (partPath is not null)
        {
            await Eventually.FileReachesAsync(partPath, partLength);
        }

        context.Abort();
    }

    private async Task HandleAsync(HttpContext context)
    {
        var path = context.Request.Path.Value ?? "/";
        Requests.Enqueue(new RecordedRequest(
            path,
            context.Request.Headers.Range.Count > 0 ? context.Request.Headers.Range.ToString() : null,
            context.Request.Headers.IfRange.Count > 0 ? context.Request.Headers.IfRange.ToString() : null));
        var hit = _hits.AddOrUpdate(path, 1, (_, n) => n + 1);
        var now = Interlocked.Increment(ref _inFlight);
        for (var peak = Volatile.Read(ref _peakInFlight); now > peak; peak = Volatile.Read(ref _peakInFlight))
        {
            Interlocked.CompareExchange(ref _peakInFlight, now, peak);
        }

        try
        {
            if (_routes.TryGetValue(path, out var handler))
            {
                await handler(context, hit);
            }
            else
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
            }
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
