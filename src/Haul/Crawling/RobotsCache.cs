using System.Collections.Concurrent;
using Haul.Errors;
using Haul.Scheduling;
using Haul.Transfer;

namespace Haul.Crawling;

/// <summary>
/// robots.txt, fetched once per host and port for the whole crawl, through the crawl's
/// <see cref="PageFetcher"/> (pacing, retries, timeouts). As RFC 9309 says: up to five redirects are
/// followed and the rules found apply to the first host; a 4xx answer, or more redirects than that,
/// allows everything; a 5xx or an unreachable server disallows everything. A Crawl-delay paces the host.
/// </summary>
internal sealed class RobotsCache(PageFetcher fetcher, HostPacer pacer, string productToken)
{
    /// <summary>RFC 9309 2.3.1.2: crawlers should follow at least five consecutive redirects.</summary>
    public const int MaxRedirects = 5;

    private readonly ConcurrentDictionary<string, Lazy<Task<RobotsRules>>> _rules = new(StringComparer.OrdinalIgnoreCase);
    private readonly ConcurrentDictionary<string, HaulException> _failures = new(StringComparer.OrdinalIgnoreCase);

    public Task<RobotsRules> GetAsync(Uri url, CancellationToken cancellationToken) =>
        _rules.GetOrAdd(HostKey(url), _ => new Lazy<Task<RobotsRules>>(() => FetchAsync(url, cancellationToken))).Value;

    internal static string HostKey(Uri url) => $"{url.IdnHost}:{url.Port}";

    /// <summary>
    /// Why the host of <paramref name="url"/> is off limits when its robots.txt could not be read
    /// (a 5xx, unreachable): a page refused for that has failed, not been skipped by choice.
    /// </summary>
    public HaulException? FailureOf(Uri url) => _failures.GetValueOrDefault(HostKey(url));

    private async Task<RobotsRules> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        var robotsUrl = new Uri($"{url.Scheme}://{url.Authority}/robots.txt");
        var rules = await DownloadRulesAsync(HostKey(url), robotsUrl, cancellationToken).ConfigureAwait(false);
        if (rules.CrawlDelay is { } delay)
        {
            pacer.SetDelay(HostKey(url), delay);
        }

        return rules;
    }

    private async Task<RobotsRules> DownloadRulesAsync(string hostKey, Uri robotsUrl, CancellationToken cancellationToken)
    {
        var exchange = new Exchange(new DownloadRequest(robotsUrl.AbsoluteUri) { Page = robotsUrl.AbsoluteUri }, robotsUrl, null) { MaxRedirects = MaxRedirects };
        try
        {
            // One byte past the limit, so that the parser can tell a line cut by the limit from a
            // file that ends there, and drop it rather than read "Disallow: /private" as "Disallow: /".
            var reply = await fetcher.FetchAsync(exchange, uri => new HttpRequestMessage(HttpMethod.Get, uri), RobotsRules.MaxBytes + 1, _ => true, cancellationToken).ConfigureAwait(false);
            return reply.Status == 200 ? RobotsRules.Parse(reply.Body.Span, productToken) : RobotsRules.ForStatus(reply.Status);
        }
        catch (HttpStatusException ex)
        {
            var rules = RobotsRules.ForStatus(ex.StatusCode);
            if (rules == RobotsRules.DisallowAll)
            {
                _failures.TryAdd(hostKey, ex);
            }

            return rules;
        }
        catch (RedirectException)
        {
            // Too many redirects, a loop, or one that cannot be followed: robots.txt is unavailable, as a 4xx.
            return RobotsRules.AllowAll;
        }
        catch (HaulException ex)
        {
            // Unreachable, timed out, cut off: the cached answer for the whole crawl errs on the safe side.
            _failures.TryAdd(hostKey, ex);
            return RobotsRules.DisallowAll;
        }
    }
}
