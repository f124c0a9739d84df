namespace Haul.Cli.Output;

/// <summary>One line of the live view before layout.</summary>
/// <param name="Label">The file name (or, for the overall line, the file count); shortened in the middle to fit.</param>
/// <param name="Note">A short note after the label, such as <c> (try 2)</c>, kept whole.</param>
/// <param name="Fraction">How much is done, 0 to 1; null when the size is not known.</param>
/// <param name="Tails">The numbers at the end of the line, fullest first: the first that leaves room for the bar is shown.</param>
internal sealed record ProgressRow(string Label, string? Note, double? Fraction, IReadOnlyList<string> Tails);
