namespace Haul.Datasets;

/// <summary>How a data set's shards are written (img2dataset's <c>--output_format</c>).</summary>
public enum DatasetOutputFormat
{
    /// <summary>One tar per shard (<c>00000.tar</c>) holding <c>{key}.jpg</c>, <c>{key}.txt</c> and <c>{key}.json</c>.</summary>
    Webdataset,
    /// <summary>One folder per shard (<c>00000/</c>) holding the same three files per sample.</summary>
    Files,
    /// <summary>One Parquet file per shard (<c>00000.parquet</c>): the metadata rows with the picture in a binary column.</summary>
    Parquet,
}
