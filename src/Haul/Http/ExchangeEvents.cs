using Haul.Events;

namespace Haul.Http;

/// <summary>
/// The last handler before the wire: raises a download's request and reply events with the headers
/// as they really go out (cookies and credentials added above it, then masked) and come back.
/// Requests that belong to no download pass through unseen.
/// </summary>
internal sealed class ExchangeEvents(EventHub events, TimeProvider timeProvider, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        if (RequestContext.Of(request) is not { DownloadId: { } id, Url: { } url })
        {
            return await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }

        var uri = request.RequestUri!;
        events.Raise(new DownloadRequestSent(id, url, events.Now, request.Method.Method, uri, events.WantsHeaders ? HeaderMask.List(request.Headers, request.Content?.Headers) : []));
        var sent = timeProvider.GetTimestamp();
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        events.Raise(new DownloadResponseReceived(
            id,
            url,
            events.Now,
            uri,
            (int)response.StatusCode,
            response.ReasonPhrase,
            timeProvider.GetElapsedTime(sent),
            events.WantsHeaders ? HeaderMask.List(response.Headers, response.Content.Headers) : []));
        return response;
    }
}
