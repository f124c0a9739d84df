using Haul.Checksums;

namespace Haul;

/// <summary>One file to fetch.</summary>
/// <param name="Url">The absolute http(s) URL, as written by the user; it is validated when the download starts.</param>
public sealed record DownloadRequest(string Url)
{
    /// <summary>The output file name (<c>out=</c>); sanitized, never a path.</summary>
    public string? OutName { get; init; }

    /// <summary>A sub-directory of the output directory (<c>dir=</c>); it can never leave it.</summary>
    public string? Directory { get; init; }

    /// <summary>The digest the body must have.</summary>
    public Checksum? Checksum { get; init; }

    /// <summary>This file's own bandwidth limit in bytes per second (<c>max-download-limit=</c>), on top of the run's.</summary>
    public long? RateLimit { get; init; }

    /// <summary>Where the request came from (line number in an input file), for messages.</summary>
    public int? Line { get; init; }

    /// <summary>The page a crawl found this picture on.</summary>
    public string? Page { get; init; }

    /// <summary>The picture's alt text on that page.</summary>
    public string? Alt { get; init; }

    /// <summary>The picture's title on that page.</summary>
    public string? Title { get; init; }

    /// <summary>Headers for this request only (<c>header=</c> lines), over the run's own.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];

    /// <summary>
    /// The user and password the URL carried (<c>http://user:pass@host/</c>), taken out of <see cref="Url"/>
    /// (which then shows <c>user:***@host</c>); sent as Basic to that URL's origin only.
    /// </summary>
    internal Http.NetworkLogin? Login { get; init; }

    /// <summary>A crawl's rules for what to keep once the reply is known.</summary>
    internal Transfer.ContentFilter? Filter { get; init; }

    /// <summary>Set when the input already shows this entry cannot be used; it is reported as failed, nothing is fetched.</summary>
    public string? InputError { get; init; }
}
