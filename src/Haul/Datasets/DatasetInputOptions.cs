namespace Haul.Datasets;

/// <summary>How to read a data set's input table: its format and which columns hold what.</summary>
public sealed record DatasetInputOptions
{
    /// <summary>The table format (default <see cref="DatasetInputFormat.Txt"/>).</summary>
    public DatasetInputFormat Format { get; init; } = DatasetInputFormat.Txt;

    /// <summary>Whether the files are gzip-compressed (<c>csv.gz</c>); not for Parquet, which compresses itself.</summary>
    public bool Gzip { get; init; }

    /// <summary>The column holding the URL (default <c>url</c>); a <c>txt</c> file has no columns.</summary>
    public string UrlColumn { get; init; } = "url";

    /// <summary>The column holding the caption, if any.</summary>
    public string? CaptionColumn { get; init; }

    /// <summary>Further columns carried into every sample's metadata, in this order.</summary>
    public IReadOnlyList<string> AdditionalColumns { get; init; } = [];

    /// <summary>The file name ending of this format, as img2dataset names formats: <c>csv</c>, <c>tsv.gz</c>, <c>parquet</c>.</summary>
    public string Extension => FormatName(Format) + (Gzip ? ".gz" : string.Empty);

    /// <summary>
    /// Reads an img2dataset format name (<c>txt</c>, <c>csv</c>, <c>tsv</c>, <c>json</c>, <c>jsonl</c>, each also
    /// with <c>.gz</c>, and <c>parquet</c>); false for anything else.
    /// </summary>
    public static bool TryParseFormat(string name, out DatasetInputFormat format, out bool gzip)
    {
        ArgumentNullException.ThrowIfNull(name);
        gzip = name.EndsWith(".gz", StringComparison.Ordinal);
        var bare = gzip ? name[..^3] : name;
        DatasetInputFormat? found = bare switch
        {
            "txt" => DatasetInputFormat.Txt,
            "csv" => DatasetInputFormat.Csv,
            "tsv" => DatasetInputFormat.Tsv,
            "json" => DatasetInputFormat.Json,
            "jsonl" => DatasetInputFormat.Jsonl,
            "parquet" when !gzip => DatasetInputFormat.Parquet,
            _ => null,
        };
        format = found ?? DatasetInputFormat.Txt;
        return found is not null;
    }

    internal static string FormatName(DatasetInputFormat format) => format switch
    {
        DatasetInputFormat.Txt => "txt",
        DatasetInputFormat.Csv => "csv",
        DatasetInputFormat.Tsv => "tsv",
        DatasetInputFormat.Json => "json",
        DatasetInputFormat.Jsonl => "jsonl",
        DatasetInputFormat.Parquet => "parquet",
        _ => throw new ArgumentOutOfRangeException(nameof(format), format, null),
    };
}
