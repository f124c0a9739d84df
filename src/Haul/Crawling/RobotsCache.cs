using System.Collections.Concurrent;
using System.Net;
using Haul.Scheduling;

namespace Haul.Crawling;

/// <summary>
/// robots.txt, fetched once per host and port for the whole crawl. A 4xx answer allows everything,
/// a 5xx or an unreachable server disallows everything (RFC 9309); a Crawl-delay paces the host.
/// </summary>
internal sealed class RobotsCache(HttpClient client, HostPacer pacer, string productToken)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<RobotsRules>>> _rules = new(StringComparer.OrdinalIgnoreCase);

    public Task<RobotsRules> GetAsync(Uri url, CancellationToken cancellationToken) =>
        _rules.GetOrAdd(HostKey(url), _ => new Lazy<Task<RobotsRules>>(() => FetchAsync(url, cancellationToken))).Value;

    internal static string HostKey(Uri url) => $"{url.IdnHost}:{url.Port}";

    private async Task<RobotsRules> FetchAsync(Uri url, CancellationToken cancellationToken)
    {
        var robotsUrl = new Uri($"{url.Scheme}://{url.Authority}/robots.txt");
        var rules = await DownloadRulesAsync(robotsUrl, cancellationToken).ConfigureAwait(false);
        if (rules.CrawlDelay is { } delay)
        {
            pacer.SetDelay(HostKey(url), delay);
        }

        return rules;
    }

    private async Task<RobotsRules> DownloadRulesAsync(Uri robotsUrl, CancellationToken cancellationToken)
    {
        try
        {
            await pacer.WaitTurnAsync(HostKey(robotsUrl), cancellationToken).ConfigureAwait(false);
            using var response = await client.GetAsync(robotsUrl, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
            if (response.StatusCode != HttpStatusCode.OK)
            {
                return RobotsRules.ForStatus((int)response.StatusCode);
            }

            // One byte past the limit, so that the parser can tell a line cut by the limit from a
            // file that ends there, and drop it rather than read "Disallow: /private" as "Disallow: /".
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
            var buffer = new byte[RobotsRules.MaxBytes + 1];
            var read = await body.ReadAtLeastAsync(buffer, buffer.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            return RobotsRules.Parse(buffer.AsSpan(0, read), productToken);
        }
        catch (HttpRequestException)
        {
            return RobotsRules.DisallowAll;
        }
    }
}
