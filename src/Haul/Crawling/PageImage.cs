namespace Haul.Crawling;

/// <summary>A picture found on a page.</summary>
/// <param name="Url">Absolute http(s) URL, without fragment.</param>
/// <param name="Alt">The alt text, trimmed and with whitespace collapsed; null when absent or blank.</param>
/// <param name="Title">The title text, trimmed and with whitespace collapsed; null when absent or blank.</param>
/// <param name="Rule">The rule that found it first: an <see cref="ImageRuleName"/> or a custom rule's text.</param>
internal sealed record PageImage(Uri Url, string? Alt, string? Title, string Rule);
