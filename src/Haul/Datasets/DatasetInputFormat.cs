namespace Haul.Datasets;

/// <summary>The table formats a data set's input can be written in.</summary>
public enum DatasetInputFormat
{
    /// <summary>One URL per line, no header.</summary>
    Txt,
    /// <summary>Comma-separated values with a header row (RFC 4180 quoting).</summary>
    Csv,
    /// <summary>Tab-separated values with a header row (quoted as CSV is).</summary>
    Tsv,
    /// <summary>One JSON array of objects.</summary>
    Json,
    /// <summary>One JSON object per line.</summary>
    Jsonl,
    /// <summary>An Apache Parquet file.</summary>
    Parquet,
}
