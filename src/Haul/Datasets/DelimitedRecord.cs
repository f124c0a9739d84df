namespace Haul.Datasets;

/// <summary>One record of a CSV or TSV file.</summary>
/// <param name="Line">The 1-based line the record starts on.</param>
/// <param name="Fields">The fields, unquoted; null when the record was longer than the limit and skipped.</param>
internal sealed record DelimitedRecord(int Line, IReadOnlyList<string>? Fields);
