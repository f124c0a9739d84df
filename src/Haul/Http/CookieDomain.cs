using System.Net;

namespace Haul.Http;

/// <summary>The host rules a cookie's <c>Domain</c> must pass before it is stored.</summary>
internal static class CookieDomain
{
    public static bool IsIpAddress(string host) => IPAddress.TryParse(host.Trim('[', ']'), out _);

    /// <summary>
    /// Whether a reply from <paramref name="host"/> may set a cookie for <paramref name="domain"/>:
    /// the host itself or a parent of it, never an IP range, never a bare top-level name such as
    /// <c>com</c> (without a public-suffix list, one label is the line Haul can draw).
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
            && host.EndsWith("." + domain, StringComparison.Ordinal);
    }
}
