using System.Net;

namespace Haul.Http;

/// <summary>The host rules a cookie's <c>Domain</c> must pass before it is stored.</summary>
internal static class CookieDomain
{
    public static bool IsIpAddress(string host) => IPAddress.TryParse(host.Trim('[', ']'), out _);

    /// <summary>
    /// Whether a reply from <paramref name="host"/> may set a cookie for <paramref name="domain"/>:
    /// the host itself or a parent of it, never an IP range, never a public suffix such as
    /// <c>com</c> or <c>co.uk</c> (RFC 6265 §5.3 step 5, with the Public Suffix List): a reply from
    /// <c>a.co.uk</c> cannot set a cookie that <c>b.co.uk</c> would be sent.
    /// </summary>
    public static bool MaySet(string host, string domain)
    {
        if (domain.Length == 0)
        {
            return false;
        }

        if (host == domain)
        {
            return true;
        }

        return !IsIpAddress(host)
            && domain.Contains('.', StringComparison.Ordinal)
            && host.EndsWith("." + domain, StringComparison.Ordinal)
            && !PublicSuffixList.Default.IsPublicSuffix(domain);
    }
}
