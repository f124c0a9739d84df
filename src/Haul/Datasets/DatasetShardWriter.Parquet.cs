using Parquet;
using Parquet.Schema;

namespace Haul.Datasets;

internal sealed partial class DatasetShardWriter
{
    /// <summary>The metadata columns; an extra column of the same name is not written twice.</summary>
    private static readonly HashSet<string> FixedColumns = new(StringComparer.Ordinal)
    {
        "key", "url", "caption", "status", "error_message", "width", "height", "original_width", "original_height", "sha256", "jpg", "txt",
    };

    /// <summary>
    /// The shard's Parquet file, one row per sample (failed ones too), as img2dataset lays it out:
    /// with <paramref name="withPictures"/> (the parquet output format), the file is both data and
    /// metadata: after the metadata columns come <c>jpg</c>, a binary column holding the pictures
    /// (so named whatever their format, as img2dataset names it), and <c>txt</c>, the caption.
    /// </summary>
    private static async Task WriteParquetAsync(string path, IReadOnlyList<DatasetRecord> records, bool withPictures, CancellationToken cancellationToken)
    {
        var extras = records.Count == 0
            ? []
            : records[0].Sample.Extra.Select(e => e.Key).Where(name => !FixedColumns.Contains(name)).Distinct(StringComparer.Ordinal).ToArray();
        var picture = withPictures ? new DataField<byte[]>("jpg", true) : null;
        var text = withPictures ? new DataField<string>("txt", true) : null;
        var key = new DataField<string>("key", true);
        var url = new DataField<string>("url", true);
        var caption = new DataField<string>("caption", true);
        var extraFields = extras.Select(name => new DataField<string>(name, true)).ToArray();
        var status = new DataField<string>("status", true);
        var errorMessage = new DataField<string>("error_message", true);
        var width = new DataField<int?>("width");
        var height = new DataField<int?>("height");
        var originalWidth = new DataField<int?>("original_width");
        var originalHeight = new DataField<int?>("original_height");
        var sha256 = new DataField<string>("sha256", true);
        var fields = new List<Field> { key, url, caption };
        fields.AddRange(extraFields);
        fields.AddRange([status, errorMessage, width, height, originalWidth, originalHeight, sha256]);
        if (picture is not null && text is not null)
        {
            fields.AddRange([picture, text]);
        }

        var temporary = path + DatasetShardFiles.TemporarySuffix;
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            var writer = await ParquetWriter.CreateAsync(new ParquetSchema(fields), stream, cancellationToken: cancellationToken).ConfigureAwait(false);
            await using (writer.ConfigureAwait(false))
            {
                using var group = writer.CreateRowGroup();
                await group.WriteAsync(key, records.Select(r => r.Key).ToArray()).ConfigureAwait(false);
                await group.WriteAsync(url, records.Select(r => r.Sample.Url).ToArray()).ConfigureAwait(false);
                await group.WriteAsync(caption, records.Select(r => r.Sample.Caption).ToArray()!).ConfigureAwait(false);
                foreach (var field in extraFields)
                {
                    var values = records.Select(r => r.Sample.Extra.FirstOrDefault(e => e.Key == field.Name).Value).ToArray();
                    await group.WriteAsync(field, values!).ConfigureAwait(false);
                }

                await group.WriteAsync(status, records.Select(r => r.Status).ToArray()).ConfigureAwait(false);
                await group.WriteAsync(errorMessage, records.Select(r => r.Error?.Message).ToArray()!).ConfigureAwait(false);
                await WriteSizesAsync(group, width, records.Select(r => r.Image?.Width), cancellationToken).ConfigureAwait(false);
                await WriteSizesAsync(group, height, records.Select(r => r.Image?.Height), cancellationToken).ConfigureAwait(false);
                await WriteSizesAsync(group, originalWidth, records.Select(r => r.Image?.OriginalWidth), cancellationToken).ConfigureAwait(false);
                await WriteSizesAsync(group, originalHeight, records.Select(r => r.Image?.OriginalHeight), cancellationToken).ConfigureAwait(false);
                await group.WriteAsync(sha256, records.Select(r => r.Sha256).ToArray()!).ConfigureAwait(false);
                if (picture is not null && text is not null)
                {
                    await group.WriteAsync(picture, records.Select(r => r.Image?.Bytes).ToArray()!).ConfigureAwait(false);
                    await group.WriteAsync(text, records.Select(r => r.Image is null ? null : r.Sample.Caption ?? string.Empty).ToArray()!).ConfigureAwait(false);
                }
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static Task WriteSizesAsync(ParquetRowGroupWriter group, DataField field, IEnumerable<int?> values, CancellationToken cancellationToken) =>
        group.WriteAsync<int>(field, values.ToArray().AsMemory(), cancellationToken: cancellationToken);
}
