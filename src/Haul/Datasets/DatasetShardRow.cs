using Parquet;
using Parquet.Schema;

namespace Haul.Datasets;

/// <summary>One row of a finished shard's metadata parquet: what became of one sample.</summary>
internal sealed record DatasetShardRow(string Key, string? Url, string? Status, int? Width, int? Height, int? OriginalWidth, int? OriginalHeight, string? Sha256)
{
    /// <summary>Reads every row of a shard's parquet, with the pictures of a parquet-format shard (its <c>jpg</c> column).</summary>
    public static async Task<(DatasetShardRow[] Rows, byte[]?[]? Pictures)> ReadAsync(string path, bool withPictures, CancellationToken cancellationToken)
    {
        try
        {
            var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16, FileOptions.Asynchronous);
            await using (stream.ConfigureAwait(false))
            {
                var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
                await using (reader.ConfigureAwait(false))
                {
                    var fields = reader.Schema.GetDataFields();
                    var rows = new List<DatasetShardRow>();
                    var pictures = withPictures ? new List<byte[]?>() : null;
                    for (var g = 0; g < reader.RowGroupCount; g++)
                    {
                        using var group = reader.OpenRowGroupReader(g);
                        var count = checked((int)group.RowCount);
                        var key = await TextAsync(group, Field(fields, "key", path), count, cancellationToken).ConfigureAwait(false);
                        var url = await TextAsync(group, Field(fields, "url", path), count, cancellationToken).ConfigureAwait(false);
                        var status = await TextAsync(group, Field(fields, "status", path), count, cancellationToken).ConfigureAwait(false);
                        var sha = await TextAsync(group, Field(fields, "sha256", path), count, cancellationToken).ConfigureAwait(false);
                        var width = await SizeAsync(group, Field(fields, "width", path), count, cancellationToken).ConfigureAwait(false);
                        var height = await SizeAsync(group, Field(fields, "height", path), count, cancellationToken).ConfigureAwait(false);
                        var originalWidth = await SizeAsync(group, Field(fields, "original_width", path), count, cancellationToken).ConfigureAwait(false);
                        var originalHeight = await SizeAsync(group, Field(fields, "original_height", path), count, cancellationToken).ConfigureAwait(false);
                        for (var i = 0; i < count; i++)
                        {
                            rows.Add(new DatasetShardRow(key[i] ?? string.Empty, url[i], status[i], width[i], height[i], originalWidth[i], originalHeight[i], sha[i]));
                        }

                        if (pictures is not null)
                        {
                            var values = new byte[]?[count];
                            await group.ReadAsync(Field(fields, "jpg", path), values.AsMemory()!, null, cancellationToken).ConfigureAwait(false);
                            pictures.AddRange(values);
                        }
                    }

                    return ([.. rows], pictures?.ToArray());
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ParquetException or InvalidDataException or NotSupportedException)
        {
            throw new DatasetInputException(path, $"The shard metadata {path} cannot be read: {ex.Message}", ex);
        }
    }

    private static DataField Field(DataField[] fields, string name, string path) =>
        fields.FirstOrDefault(f => f.Name == name) ?? throw new DatasetInputException(path, $"The shard metadata {path} has no column '{name}'.");

    private static async Task<string?[]> TextAsync(ParquetRowGroupReader group, DataField field, int count, CancellationToken cancellationToken)
    {
        var values = new string?[count];
        await group.ReadAsync(field, values.AsMemory()!, null, cancellationToken).ConfigureAwait(false);
        return values;
    }

    private static async Task<int?[]> SizeAsync(ParquetRowGroupReader group, DataField field, int count, CancellationToken cancellationToken)
    {
        var values = new int?[count];
        await group.ReadAsync(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
        return values;
    }
}
