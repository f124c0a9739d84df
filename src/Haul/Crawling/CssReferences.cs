namespace Haul.Crawling;

/// <summary>What a stylesheet points at, as written (not yet resolved against its URL).</summary>
/// <param name="Pictures">The <c>url()</c> and <c>image-set()</c> pictures, in order, each once.</param>
/// <param name="Imports">The stylesheets it <c>@import</c>s, in order.</param>
internal sealed record CssReferences(IReadOnlyList<string> Pictures, IReadOnlyList<string> Imports);
