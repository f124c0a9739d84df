namespace Haul.Crawling;

/// <summary>
/// Names for <c>--layout flat</c> that say what each picture is: the first picture to claim a name
/// keeps it, a later one that would get the same name is named by its path instead
/// (<c>thumbs_01.jpg</c> beside <c>01.jpg</c>). Kept with the frontier, so a picture keeps its name
/// across runs, and decided when the picture is found, never by which download ends first.
/// </summary>
internal interface IFlatNames
{
    /// <summary>The output name for a picture whose plain name is taken, or null to keep its plain name.</summary>
    string? NameFor(string key, Uri url);
}
