namespace Haul.Crawling;

/// <summary>One image candidate of a <c>srcset</c> attribute: its URL as written and its width or density descriptor.</summary>
/// <param name="Url">The URL text, not yet resolved against the page.</param>
/// <param name="Width">The <c>w</c> descriptor, when given.</param>
/// <param name="Density">The <c>x</c> descriptor; 1 when the candidate has no descriptor, null when it has a width.</param>
internal readonly record struct SrcsetCandidate(string Url, int? Width, double? Density);
