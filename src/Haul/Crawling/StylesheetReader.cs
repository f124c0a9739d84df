using System.Collections.Concurrent;
using System.Text;
using Haul.Errors;
using Haul.Transfer;

namespace Haul.Crawling;

/// <summary>
/// Fetches the stylesheets pages use and reads them for pictures, each stylesheet once per crawl:
/// a second page linking it costs nothing. <c>@import</c>s are followed within the crawl's scope,
/// pictures are resolved against the stylesheet's own URL (after redirects), as browsers do, and a
/// stylesheet is never a picture itself.
/// </summary>
internal sealed class StylesheetReader(PageFetcher fetcher, RobotsCache? robots, bool allCandidates)
{
    /// <summary>A stylesheet is read up to this size; the rest is not looked at.</summary>
    public const int MaxBytes = 4 * 1024 * 1024;

    private const int MaxRedirects = 5;

    // Import chains deeper than this are a loop or a trap, not a site's theme.
    private const int MaxImportDepth = 8;

    // A theme imports a handful; thousands are a trap that would turn one page into thousands of requests.
    private const int MaxImportsPerSheet = 32;

    private readonly ConcurrentDictionary<string, Lazy<Task<Sheet>>> _sheets = new(StringComparer.Ordinal);

    /// <summary>
    /// The pictures named by <paramref name="stylesheets"/> and everything they import, absolute and
    /// each once. <paramref name="inScope"/> decides which stylesheets (and redirect targets) may be fetched.
    /// </summary>
    public async Task<IReadOnlyList<Uri>> PicturesAsync(IEnumerable<Uri> stylesheets, Func<Uri, bool> inScope, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stylesheets);
        ArgumentNullException.ThrowIfNull(inScope);
        var pictures = new List<Uri>();
        var seenPictures = new HashSet<string>(StringComparer.Ordinal);
        var visited = new HashSet<string>(StringComparer.Ordinal);
        var pending = new Queue<(Uri Url, int Depth)>(stylesheets.Select(sheet => (sheet, 0)));

        // Breadth first over imports, each sheet waited on alone: two sheets importing each other
        // never wait on one another.
        while (pending.TryDequeue(out var next))
        {
            if (next.Depth > MaxImportDepth || !visited.Add(next.Url.AbsoluteUri) || !inScope(next.Url))
            {
                continue;
            }

            var sheet = await _sheets.GetOrAdd(next.Url.AbsoluteUri, _ => new Lazy<Task<Sheet>>(() => ReadAsync(next.Url, inScope, cancellationToken))).Value.ConfigureAwait(false);
            pictures.AddRange(sheet.Pictures.Where(picture => seenPictures.Add(picture.AbsoluteUri)));
            foreach (var import in sheet.Imports)
            {
                pending.Enqueue((import, next.Depth + 1));
            }
        }

        return pictures;
    }

    private async Task<Sheet> ReadAsync(Uri url, Func<Uri, bool> inScope, CancellationToken cancellationToken)
    {
        if (await FetchAsync(url, inScope, cancellationToken).ConfigureAwait(false) is not { } fetched)
        {
            return Sheet.Empty;
        }

        var references = CssScanner.Scan(fetched.Text, allCandidates);
        return new Sheet(
            [.. references.Pictures.Select(picture => Resolve(fetched.Url, picture)).OfType<Uri>()],
            [.. references.Imports.Take(MaxImportsPerSheet).Select(import => Resolve(fetched.Url, import)).OfType<Uri>()]);
    }

    /// <summary>
    /// The one place a stylesheet is fetched: robots.txt and the scope at each redirect, then the
    /// crawl's fetcher (pacing, per-host limit, retries, timeouts, the size limit) and the charset.
    /// Null when it cannot be read; a page without its stylesheet still gives its other pictures.
    /// </summary>
    private async Task<(Uri Url, string Text)?> FetchAsync(Uri url, Func<Uri, bool> inScope, CancellationToken cancellationToken)
    {
        for (var redirects = 0; redirects <= MaxRedirects; redirects++)
        {
            if (robots is not null && !(await robots.GetAsync(url, cancellationToken).ConfigureAwait(false)).IsAllowed(url))
            {
                return null;
            }

            FetchedBody reply;
            try
            {
                // Redirects come back here, so that each target is checked against the scope and robots.txt first.
                var exchange = new Exchange(new DownloadRequest(url.AbsoluteUri) { Page = url.AbsoluteUri }, url, null) { FollowRedirects = false };
                reply = await fetcher.FetchAsync(exchange, uri => new HttpRequestMessage(HttpMethod.Get, uri), MaxBytes, _ => true, cancellationToken).ConfigureAwait(false);
            }
            catch (HaulException)
            {
                // The answer is cached for the crawl, so it must be "no pictures here", never a
                // fault that every page linking this sheet would rethrow.
                return null;
            }

            if (reply.Location is { } location && RequestSender.IsRedirect((System.Net.HttpStatusCode)reply.Status))
            {
                var leavesTls = url.Scheme == Uri.UriSchemeHttps && location.Scheme == Uri.UriSchemeHttp;
                url = location;
                if (leavesTls || url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps || !inScope(url))
                {
                    return null;
                }

                continue;
            }

            return reply.Status == 200 ? (url, Decode(reply.Body.Span, reply.CharSet)) : null;
        }

        return null;
    }

    // A byte-order mark wins, then the Content-Type charset; CSS without either is UTF-8 in practice.
    private static string Decode(ReadOnlySpan<byte> bytes, string? charset)
    {
        if (bytes.StartsWith(Encoding.UTF8.Preamble))
        {
            return Encoding.UTF8.GetString(bytes[Encoding.UTF8.Preamble.Length..]);
        }

        var encoding = Encoding.UTF8;
        if (!string.IsNullOrWhiteSpace(charset))
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"', ' '));
            }
            catch (ArgumentException)
            {
                encoding = Encoding.UTF8;
            }
        }

        return encoding.GetString(bytes);
    }

    private static Uri? Resolve(Uri sheet, string reference)
    {
        if (!Uri.TryCreate(sheet, reference.Trim(), out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            return null;
        }

        return url.Fragment.Length == 0 ? url : new Uri(url.GetLeftPart(UriPartial.Query));
    }

    private sealed record Sheet(IReadOnlyList<Uri> Pictures, IReadOnlyList<Uri> Imports)
    {
        public static Sheet Empty { get; } = new([], []);
    }
}
