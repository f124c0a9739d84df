namespace Haul.Datasets;

/// <summary>One row of a data set's input table: the picture to fetch, its caption and the columns kept with it.</summary>
/// <param name="FileIndex">The 0-based position of the input file in the (sorted) list of input files.</param>
/// <param name="Row">The 0-based position of this sample among the samples of its file.</param>
/// <param name="Url">The picture's URL as written in the input (empty when the cell is empty).</param>
/// <param name="Caption">The caption, when a caption column was named and the cell is not empty.</param>
/// <param name="Extra">The additional columns asked for, in the order asked, as text (null for an empty cell).</param>
public sealed record DatasetSample(
    int FileIndex,
    long Row,
    string Url,
    string? Caption,
    IReadOnlyList<KeyValuePair<string, string?>> Extra)
{
    /// <summary>Why this row could not be read (malformed, too long); the sample then fails without a request.</summary>
    public string? InputError { get; init; }
}
