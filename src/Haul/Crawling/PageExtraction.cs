using System.Collections.Immutable;

namespace Haul.Crawling;

/// <summary>What one page yields: its pictures and the links to follow, each listed once in document order.</summary>
/// <param name="BaseUrl">The URL relative references were resolved against: the page's <c>&lt;base href&gt;</c>, else the page URL.</param>
/// <param name="Images">Pictures, deduplicated by URL.</param>
/// <param name="Links">Absolute http(s) links matched by the follow selector, fragments dropped, deduplicated.</param>
/// <param name="Stylesheets">Stylesheets to fetch and read for pictures (<c>link rel=stylesheet</c>, <c>@import</c> in <c>&lt;style&gt;</c>), deduplicated.</param>
internal sealed record PageExtraction(Uri BaseUrl, ImmutableArray<PageImage> Images, ImmutableArray<Uri> Links, ImmutableArray<Uri> Stylesheets);
