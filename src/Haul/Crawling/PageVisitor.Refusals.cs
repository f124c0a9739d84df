using System.Collections.Concurrent;
using Haul.Errors;
using Haul.Journal;

namespace Haul.Crawling;

/// <summary>
/// Pictures a page shows but the crawl's rules refuse (scope, type, robots.txt), and redirects that
/// leave the scope, and pages that could not be fetched: each is reported once per crawl as a result,
/// so that nothing is dropped unseen.
/// </summary>
internal sealed partial class PageVisitor
{
    private readonly ConcurrentDictionary<string, byte> _reported = new(StringComparer.Ordinal);

    /// <summary>The start of every note for a picture refused by <c>--scope</c>.</summary>
    public const string OutsideScopeNote = "outside --scope ";

    private async ValueTask<string?> RefusalAsync(Uri seed, Uri url, CancellationToken cancellationToken)
    {
        if (!ScopeRule.Contains(_options.Scope, seed, url))
        {
            return $"{OutsideScopeNote}{ScopeName(_options.Scope)}; --scope {ScopeName(ScopeRule.Narrowest(seed, url))} takes it";
        }

        var extension = Path.GetExtension(url.AbsolutePath).TrimStart('.').ToLowerInvariant();
        if (extension.Length > 0 && _options.Accept is { } accept && !accept.Contains(extension))
        {
            return $".{extension} is not among --accept";
        }

        if (extension.Length > 0 && _options.Reject is { } reject && reject.Contains(extension))
        {
            return $".{extension} is among --reject";
        }

        if (robots is not null && !(await robots.GetAsync(url, cancellationToken).ConfigureAwait(false)).IsAllowed(url))
        {
            return "disallowed by robots.txt";
        }

        return null;
    }

    private void ReportRefused(FrontierPage page, PageImage image, string note)
    {
        if (report is not null && _reported.TryAdd(UrlKey.From(image.Url), 0))
        {
            report(new DownloadResult
            {
                Request = new DownloadRequest(Crawler.WithoutFragment(image.Url)) { Page = page.Url, Alt = image.Alt, Title = image.Title },
                Status = DownloadStatus.Skipped,
                Note = note,
            });
        }
    }

    private void ReportRedirectOutOfScope(FrontierPage page, Uri target)
    {
        if (report is not null && _reported.TryAdd(page.Key, 0))
        {
            var where = Crawler.WithoutFragment(target);
            report(new DownloadResult
            {
                Request = new DownloadRequest(page.Url),
                Status = DownloadStatus.Failed,
                Kind = ResultKind.Page,
                Error = HaulErrors.Scope(page.Url, $"{page.Url} redirects to {where}, outside --scope {ScopeName(_options.Scope)}; --scope {ScopeName(ScopeRule.Narrowest(new Uri(page.Seed), target))} follows it."),
            });
        }
    }

    private void ReportFailed(FrontierPage page, HaulException error)
    {
        if (report is not null && _reported.TryAdd(page.Key, 0))
        {
            report(new DownloadResult
            {
                Request = new DownloadRequest(page.Url),
                Status = DownloadStatus.Failed,
                Kind = ResultKind.Page,
                Error = error,
            });
        }
    }

    private static string ScopeName(CrawlScope scope) => scope.ToString().ToLowerInvariant();
}
