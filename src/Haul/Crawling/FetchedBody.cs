namespace Haul.Crawling;

/// <summary>A small reply read whole: a page, a stylesheet or a robots.txt.</summary>
/// <param name="Url">Where the reply came from, after the redirects that were followed.</param>
/// <param name="Status">Its status code, below 400 (higher ones are errors).</param>
/// <param name="Body">The body, up to the cap asked for; empty unless the status is 200 and the type was wanted.</param>
internal sealed record FetchedBody(Uri Url, int Status, ReadOnlyMemory<byte> Body)
{
    /// <summary>The whole Content-Type, parameters included.</summary>
    public string? ContentType { get; init; }

    public string? MediaType { get; init; }

    public string? CharSet { get; init; }

    public string? ETag { get; init; }

    /// <summary>Last-Modified in its HTTP date form, as a later conditional request sends it back.</summary>
    public string? LastModified { get; init; }

    /// <summary>The Location of a redirect that was handed back rather than followed.</summary>
    public Uri? Location { get; init; }
}
