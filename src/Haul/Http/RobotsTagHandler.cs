using System.Net.Http.Headers;
using Haul.Errors;

namespace Haul.Http;

/// <summary>
/// Refuses a successful reply whose <c>X-Robots-Tag</c> carries one of the run's disallowed
/// directives, read as img2dataset reads it: each header value is <c>[token:] directive, directive</c>,
/// and a value with a robot's token counts only when the token is <c>haul</c> or <c>img2dataset</c>.
/// Redirects and error statuses pass through: the redirect's target and the error decide those.
/// </summary>
internal sealed class RobotsTagHandler(HashSet<string> disallowed, HttpMessageHandler inner) : DelegatingHandler(inner)
{
    private static readonly string[] OurTokens = ["haul", "img2dataset"];

    /// <summary>The handler over <paramref name="inner"/> when there are directives to honour, else <paramref name="inner"/> itself.</summary>
    public static HttpMessageHandler Around(HttpMessageHandler inner, IReadOnlyList<string> directives) =>
        directives.Count == 0
            ? inner
            : new RobotsTagHandler(new HashSet<string>(directives.Select(d => d.Trim().ToLowerInvariant()), StringComparer.Ordinal), inner);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
        if (response.IsSuccessStatusCode && Refusing(response.Headers, disallowed) is { } directive)
        {
            response.Dispose();
            var url = RequestContext.Of(request)?.Origin ?? request.RequestUri!;
            throw HaulErrors.RobotsTagRefused(UrlMask.Mask(url.OriginalString), directive);
        }

        return response;
    }

    /// <summary>The first disallowed directive addressed to every robot or to us, or null.</summary>
    internal static string? Refusing(HttpResponseHeaders headers, HashSet<string> disallowed)
    {
        if (!headers.NonValidated.TryGetValues("X-Robots-Tag", out var values))
        {
            return null;
        }

        foreach (var value in values)
        {
            var colon = value.IndexOf(':', StringComparison.Ordinal);
            var token = colon < 0 ? null : value[..colon].Trim().ToLowerInvariant();
            if (token is not null && !OurTokens.Contains(token))
            {
                continue;
            }

            foreach (var directive in value[(colon + 1)..].Split(','))
            {
                var name = directive.Trim().ToLowerInvariant();
                if (disallowed.Contains(name))
                {
                    return name;
                }
            }
        }

        return null;
    }
}
