using System.Globalization;
using Haul.Errors;
using Haul.Scheduling;
using Haul.Transfer;

namespace Haul.Crawling;

/// <summary>
/// Fetches the crawl's small resources (pages, stylesheets, robots.txt) whole, through the run's one
/// <see cref="RequestSender"/>: the host's pacing and per-host limit, retries with backoff and
/// <c>Retry-After</c>, an idle timeout on every read of the body, and a size cap. A status of 400 or
/// more is an <see cref="HttpStatusException"/>, so the caller decides what a 404 means.
/// </summary>
internal sealed class PageFetcher(RequestSender sender, DownloadOptions options, RetryPolicy retryPolicy, HostPacer pacer, IHostGate hosts, TimeProvider timeProvider)
{
    private const int FirstBuffer = 64 * 1024;

    /// <summary>
    /// Fetches <paramref name="exchange"/>'s URL, trying again while the failure is transient and
    /// retries are left; throws the last failure as a <see cref="HaulException"/>.
    /// </summary>
    /// <param name="exchange">The resource, and how its redirects are treated.</param>
    /// <param name="build">Makes the request for one URL.</param>
    /// <param name="maxBytes">The most of the body read; the rest is not looked at.</param>
    /// <param name="wantsBody">Whether a 200 of this media type is read (a crawl page that is a video is not).</param>
    /// <param name="cancellationToken">Ends the fetch.</param>
    public async Task<FetchedBody> FetchAsync(
        Exchange exchange,
        Func<Uri, HttpRequestMessage> build,
        int maxBytes,
        Func<string?, bool> wantsBody,
        CancellationToken cancellationToken)
    {
        var hostKey = RobotsCache.HostKey(exchange.Origin);
        if (exchange.Id is null && sender.Events is { } hub)
        {
            // A number of its own, so that -v shows the page's requests, replies, redirects and retries.
            exchange = exchange with { Id = hub.NextId() };
        }

        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await AttemptAsync(exchange, hostKey, build, maxBytes, wantsBody, cancellationToken).ConfigureAwait(false);
            }
            catch (HaulException ex) when (retryPolicy.NextDelay(ex, attempt) is { } delay)
            {
                if (ex is HttpStatusException { RetryAfter: { } retryAfter })
                {
                    // Every fetch and transfer to the host waits, not only this one.
                    pacer.BackOff(hostKey, retryAfter);
                }

                if (exchange.Id is { } id && sender.Events is { } events)
                {
                    events.Raise(new Events.DownloadRetrying(id, exchange.Request.Url, events.Now, attempt, ex.Kind, ex.Message, delay)
                    {
                        StatusCode = (ex as HttpStatusException)?.StatusCode,
                    });
                }

                await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<FetchedBody> AttemptAsync(
        Exchange exchange,
        string hostKey,
        Func<Uri, HttpRequestMessage> build,
        int maxBytes,
        Func<string?, bool> wantsBody,
        CancellationToken cancellationToken)
    {
        await pacer.WaitTurnAsync(hostKey, cancellationToken).ConfigureAwait(false);
        await using var lease = (await hosts.EnterAsync(hostKey, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
        using var idle = new CancellationTokenSource(Timeout.InfiniteTimeSpan, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, idle.Token);
        idle.CancelAfter(options.IdleTimeout);
        using var response = await sender.SendAsync(exchange, exchange.Origin, build, idle, linked.Token, cancellationToken).ConfigureAwait(false);
        var url = exchange.Request.Url;
        var status = (int)response.StatusCode;
        if (status >= 400)
        {
            throw HaulErrors.Status(url, status, response.ReasonPhrase, RetryAfter.From(response.Headers.RetryAfter, timeProvider.GetUtcNow()));
        }

        var uri = response.RequestMessage?.RequestUri ?? exchange.Origin;
        var headers = response.Content.Headers;
        var body = status == 200 && wantsBody(headers.ContentType?.MediaType)
            ? await ReadAsync(url, uri, response, maxBytes, idle, linked.Token, cancellationToken).ConfigureAwait(false)
            : ReadOnlyMemory<byte>.Empty;
        return new FetchedBody(uri, status, body)
        {
            ContentType = headers.ContentType?.ToString(),
            MediaType = headers.ContentType?.MediaType,
            CharSet = headers.ContentType?.CharSet,
            ETag = response.Headers.ETag?.ToString(),
            LastModified = headers.LastModified?.ToString("R", CultureInfo.InvariantCulture),
            Location = response.Headers.Location is { } location ? new Uri(uri, location) : null,
        };
    }

    /// <summary>Reads up to <paramref name="maxBytes"/>; each read must bring something within the idle timeout.</summary>
    private async Task<ReadOnlyMemory<byte>> ReadAsync(
        string url,
        Uri uri,
        HttpResponseMessage response,
        int maxBytes,
        CancellationTokenSource idle,
        CancellationToken token,
        CancellationToken cancellationToken)
    {
        var buffer = new byte[Math.Min(maxBytes, FirstBuffer)];
        var filled = 0;
        try
        {
            idle.CancelAfter(options.IdleTimeout);
            await using var body = await response.Content.ReadAsStreamAsync(token).ConfigureAwait(false);
            while (filled < maxBytes)
            {
                if (filled == buffer.Length)
                {
                    Array.Resize(ref buffer, (int)Math.Min(maxBytes, buffer.Length * 2L));
                }

                idle.CancelAfter(options.IdleTimeout);
                var read = await body.ReadAsync(buffer.AsMemory(filled), token).ConfigureAwait(false);
                if (read == 0)
                {
                    break;
                }

                filled += read;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw HaulErrors.Idle(url, uri, options.IdleTimeout);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException)
        {
            throw HaulErrors.BodyInterrupted(url, uri, filled, response.Content.Headers.ContentLength, ex);
        }

        return buffer.AsMemory(0, filled);
    }
}
