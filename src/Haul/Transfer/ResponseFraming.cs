using System.Net;
using System.Net.Http.Headers;
using Haul.Errors;

namespace Haul.Transfer;

/// <summary>
/// The one place a reply's framing is judged, once per response, before anything reads its body.
/// What HTTP forbids fails at once as a non-transient <c>protocol</c> error (a server that sent a
/// bad length sends it again); what HTTP allows but the handler misreads is read as curl reads it.
/// SocketsHttpHandler itself refuses garbage status lines and heads past
/// <see cref="MaxHeadersKiB"/>; the rest is judged here from the unvalidated header values.
/// </summary>
internal static class ResponseFraming
{
    /// <summary>The most a response head may take, status line and headers together (the handler's <c>MaxResponseHeadersLength</c>).</summary>
    public const int MaxHeadersKiB = 64;

    /// <summary>The most header fields one reply may carry; real servers send a few dozen.</summary>
    public const int MaxHeaderFields = 1000;

    // Transfer codings a server may name (RFC 9112 §7, and the x- aliases of RFC 9110 §8.4.1); anything else cannot be decoded.
    private static readonly HashSet<string> KnownCodings = new(StringComparer.OrdinalIgnoreCase)
    {
        "chunked", "gzip", "x-gzip", "deflate", "compress", "x-compress", "identity",
    };

    /// <summary>
    /// Checks <paramref name="response"/> and settles its length: afterwards <c>Content-Length</c>
    /// holds the one length the body is framed by, or nothing when it is chunked or ends with the connection.
    /// </summary>
    /// <exception cref="ProtocolException">The reply breaks HTTP; not retried.</exception>
    public static void Check(HttpResponseMessage response, string url, Uri uri)
    {
        if (!IsKnownVersion(response.Version))
        {
            throw HaulErrors.BadReply(url, uri, $"HTTP/{response.Version} is not a version of HTTP");
        }

        var fields = Count(response.Headers.NonValidated) + Count(response.Content.Headers.NonValidated);
        if (fields > MaxHeaderFields)
        {
            throw HaulErrors.BadReply(url, uri, $"{fields} header fields, more than the {MaxHeaderFields} allowed");
        }

        var chunked = CheckTransferCoding(response, url, uri);
        var length = ContentLength(response, url, uri);
        if (chunked)
        {
            // Chunked framing wins over any Content-Length (RFC 9112 §6.3); the length must not be believed.
            response.Content.Headers.ContentLength = null;
        }
        else if (length is { } declared && response.Content.Headers.ContentLength != declared)
        {
            // A length the handler could not parse ("6, 6"): it would read to the end of the connection, so the body is cut at the length.
            response.Content = new BoundedContent(response.Content, declared);
        }

        if (response.Headers.NonValidated.TryGetValues("Location", out var locations)
            && locations.Distinct(StringComparer.Ordinal).Skip(1).Any())
        {
            throw HaulErrors.BadReply(url, uri, $"{locations.Count} different Location headers");
        }
    }

    private static bool IsKnownVersion(Version version) =>
        (version.Major == 1 && version.Minor is 0 or 1) || (version.Major is 2 or 3 && version.Minor == 0);

    private static int Count(HttpHeadersNonValidated headers)
    {
        var count = 0;
        foreach (var header in headers)
        {
            count += header.Value.Count;
        }

        return count;
    }

    /// <summary>Whether the body is chunked; throws for a coding that cannot be decoded or a chunked that is not the last coding.</summary>
    private static bool CheckTransferCoding(HttpResponseMessage response, string url, Uri uri)
    {
        if (!response.Headers.NonValidated.TryGetValues("Transfer-Encoding", out var values))
        {
            return false;
        }

        var codings = values
            .SelectMany(value => value.Split(','))
            .Select(coding => coding.Split(';')[0].Trim())
            .Where(coding => coding.Length > 0)
            .ToList();
        if (codings.FirstOrDefault(coding => !KnownCodings.Contains(coding)) is { } unknown)
        {
            throw HaulErrors.BadReply(url, uri, $"the transfer coding '{Printable(unknown)}' is unknown");
        }

        var chunks = codings.Count(coding => coding.Equals("chunked", StringComparison.OrdinalIgnoreCase));
        if (chunks > 1 || (chunks == 1 && !codings[^1].Equals("chunked", StringComparison.OrdinalIgnoreCase)))
        {
            throw HaulErrors.BadReply(url, uri, $"'chunked' must be the last transfer coding, once (got '{Printable(string.Join(", ", codings))}')");
        }

        return chunks == 1;
    }

    /// <summary>The one length all Content-Length values agree on (RFC 9110 §8.6: a repeated value is one value), or null when there is none.</summary>
    private static long? ContentLength(HttpResponseMessage response, string url, Uri uri)
    {
        if (!response.Content.Headers.NonValidated.TryGetValues("Content-Length", out var values))
        {
            return null;
        }

        long? length = null;
        foreach (var item in values.SelectMany(value => value.Split(',')))
        {
            var text = item.Trim();
            if (text.Length == 0 || text.Length > 18 || !text.All(char.IsAsciiDigit))
            {
                throw HaulErrors.BadReply(url, uri, $"the Content-Length '{Printable(text)}' is not a length");
            }

            var value = long.Parse(text, System.Globalization.CultureInfo.InvariantCulture);
            if (length is { } earlier && earlier != value)
            {
                throw HaulErrors.BadReply(url, uri, $"two different Content-Length values ({earlier} and {value})");
            }

            length = value;
        }

        return length;
    }

    /// <summary>A header value fit for a one-line message: short, no control characters.</summary>
    private static string Printable(string value)
    {
        var cut = value.Length > 60 ? value[..60] + "…" : value;
        return string.Concat(cut.Select(c => char.IsControl(c) ? '?' : c));
    }
}
