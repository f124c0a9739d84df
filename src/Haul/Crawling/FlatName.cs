using System.Security.Cryptography;
using System.Text;

namespace Haul.Crawling;

/// <summary>The names a picture may take in a flat layout, shortest first: its file name, then with more and more of its path.</summary>
internal static class FlatName
{
    /// <summary>
    /// <c>/a/thumbs/01.jpg</c> gives <c>01.jpg</c>, <c>thumbs_01.jpg</c>, <c>a_thumbs_01.jpg</c>, then the
    /// host before them, then a short hash of the URL key (two URLs that differ only in the query).
    /// </summary>
    public static IEnumerable<string> Candidates(string key, Uri url)
    {
        var segments = Uri.UnescapeDataString(url.AbsolutePath).Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (segments.Length == 0)
        {
            yield break;
        }

        for (var count = 1; count <= segments.Length; count++)
        {
            yield return string.Join('_', segments[^count..]);
        }

        var full = url.IdnHost + "_" + string.Join('_', segments);
        yield return full;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(key)))[..10];
        var dot = full.LastIndexOf('.');
        yield return dot > 0 ? $"{full[..dot]}_{hash}{full[dot..]}" : $"{full}_{hash}";
    }
}
