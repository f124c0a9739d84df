namespace Haul.Transfer;

/// <summary>A crawl's <see cref="ContentFilter"/> refused the reply: the file is dropped and reported as skipped.</summary>
internal sealed class ContentRefusedException(string reason) : Exception(reason);
