using System.Net;
using Haul.Errors;

namespace Haul.Transfer;

/// <summary>
/// The one way a request goes out, for files, crawl pages, stylesheets and robots.txt alike: it
/// follows redirects (the limit, loops, no https-to-http, credentials kept to their origin through
/// <see cref="Http.RequestContext"/>), maps connect and idle timeouts and send failures to their
/// error kinds, and refuses a reply whose framing cannot be trusted.
/// </summary>
internal sealed class RequestSender(HttpClient client, DownloadOptions options, Events.EventHub? events)
{
    /// <summary>Where the requests' events go, for a caller that raises its own around them (a page's retries).</summary>
    public Events.EventHub? Events => events;

    /// <summary>
    /// Sends <paramref name="build"/>'s request for <paramref name="uri"/> and for every redirect target,
    /// and returns the first reply that is not a redirect (or a redirect, when the exchange does not follow them).
    /// </summary>
    /// <param name="exchange">Who the request is for and how its redirects are treated.</param>
    /// <param name="uri">Where the first request goes.</param>
    /// <param name="build">Makes the request for one URL (the first and each redirect target).</param>
    /// <param name="idle">Cancels a reply that stops coming; rearmed at each redirect.</param>
    /// <param name="token">The caller's token linked with <paramref name="idle"/>.</param>
    /// <param name="cancellationToken">The caller's own token: its cancellation is never reported as a timeout.</param>
    public async Task<HttpResponseMessage> SendAsync(
        Exchange exchange,
        Uri uri,
        Func<Uri, HttpRequestMessage> build,
        CancellationTokenSource idle,
        CancellationToken token,
        CancellationToken cancellationToken)
    {
        var url = exchange.Request.Url;
        var limit = exchange.MaxRedirects ?? options.MaxRedirects;

        // A server may send the same URL back a few times (a cookie or a warm-up); only the limit decides, and a repeat makes it a loop.
        var visited = new HashSet<string>(StringComparer.Ordinal) { uri.AbsoluteUri };
        var repeated = (Uri?)null;
        for (var redirects = 0; ; redirects++)
        {
            HttpResponseMessage response;
            try
            {
                var request = Http.RequestContext.Attach(build(uri), exchange.Request, exchange.Origin, exchange.Id);
                response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token).ConfigureAwait(false);
            }
            catch (HttpRequestException ex)
            {
                throw HaulErrors.FromSendFailure(url, uri, ex);
            }
            catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
            {
                throw idle.IsCancellationRequested
                    ? HaulErrors.Idle(url, uri, options.IdleTimeout)
                    : HaulErrors.ConnectTimedOut(url, uri, options.ConnectTimeout, ex);
            }

            try
            {
                ResponseFraming.Check(response, url, uri);
            }
            catch
            {
                response.Dispose();
                throw;
            }

            if (!IsRedirect(response.StatusCode) || !exchange.FollowRedirects)
            {
                return response;
            }

            var location = response.Headers.Location;
            var status = (int)response.StatusCode;
            response.Dispose();
            if (location is null)
            {
                throw HaulErrors.BadRedirect(url, "the reply has no Location header");
            }

            var next = location.IsAbsoluteUri ? location : new Uri(uri, location);
            if (next.Scheme != Uri.UriSchemeHttp && next.Scheme != Uri.UriSchemeHttps)
            {
                throw HaulErrors.BadRedirect(url, $"'{next}' is not an http(s) URL");
            }

            if (uri.Scheme == Uri.UriSchemeHttps && next.Scheme == Uri.UriSchemeHttp)
            {
                throw HaulErrors.RedirectDowngrade(url, uri, next);
            }

            if (!visited.Add(next.AbsoluteUri))
            {
                repeated ??= next;
            }

            if (redirects + 1 > limit)
            {
                throw repeated is not null
                    ? HaulErrors.RedirectLoop(url, repeated)
                    : HaulErrors.TooManyRedirects(url, limit);
            }

            if (exchange.Id is { } id)
            {
                events?.Raise(new Events.DownloadRedirected(id, url, events.Now, uri, next, status));
            }

            uri = next;
            idle.CancelAfter(options.IdleTimeout);
        }
    }

    /// <summary>The statuses whose Location is followed.</summary>
    public static bool IsRedirect(HttpStatusCode status) =>
        status is HttpStatusCode.MovedPermanently or HttpStatusCode.Found or HttpStatusCode.SeeOther
            or HttpStatusCode.TemporaryRedirect or HttpStatusCode.PermanentRedirect;
}
