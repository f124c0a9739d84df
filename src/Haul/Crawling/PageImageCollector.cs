using System.Collections.Immutable;

namespace Haul.Crawling;

/// <summary>
/// Gathers a page's pictures once each: the first sighting fixes the order and the rule, and later sightings
/// only fill a caption the first one lacked (a thumbnail link without alt, then the same image with alt).
/// </summary>
internal sealed class PageImageCollector
{
    private readonly List<PageImage> _images = [];
    private readonly Dictionary<string, int> _indexByUrl = new(StringComparer.Ordinal);

    public int Count => _images.Count;

    public void Add(Uri? url, string? alt, string? title, string rule)
    {
        if (url is null)
        {
            return;
        }

        var key = url.AbsoluteUri;
        if (!_indexByUrl.TryGetValue(key, out var index))
        {
            _indexByUrl.Add(key, _images.Count);
            _images.Add(new PageImage(url, alt, title, rule));
            return;
        }

        var known = _images[index];
        if ((known.Alt is null && alt is not null) || (known.Title is null && title is not null))
        {
            _images[index] = known with { Alt = known.Alt ?? alt, Title = known.Title ?? title };
        }
    }

    public ImmutableArray<PageImage> ToImmutable() => [.. _images];
}
