using System.Formats.Tar;
using System.Text;
using System.Text.Json;

namespace Haul.Datasets;

/// <summary>
/// Writes one finished shard. Every file goes to a temporary beside its final name and is renamed
/// when complete: the data, then the metadata, then the stats, so a shard whose stats exist is
/// whole, and a shard killed half-way leaves only files that <see cref="DatasetShardFiles.RemoveLeftovers"/> removes.
/// </summary>
internal static partial class DatasetShardWriter
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    /// <param name="files">The shard's names.</param>
    /// <param name="records">Its samples in key order, failed ones too.</param>
    /// <param name="encodeFormat">The pictures' format, which names their files.</param>
    /// <param name="stats">The shard's counts.</param>
    /// <param name="cancellationToken">Stops the writing; what was written stays a temporary.</param>
    public static async Task WriteAsync(DatasetShardFiles files, IReadOnlyList<DatasetRecord> records, DatasetEncodeFormat encodeFormat, DatasetShardStats stats, CancellationToken cancellationToken)
    {
        var extension = Extension(encodeFormat);
        switch (files.Format)
        {
            case DatasetOutputFormat.Webdataset:
                await WriteTarAsync(files.Data!, records, extension, cancellationToken).ConfigureAwait(false);
                break;
            case DatasetOutputFormat.Files:
                await WriteFolderAsync(files.Data!, records, extension, cancellationToken).ConfigureAwait(false);
                break;
        }

        await WriteParquetAsync(files.Parquet, records, files.Format == DatasetOutputFormat.Parquet, cancellationToken).ConfigureAwait(false);
        var statsTemporary = files.Stats + DatasetShardFiles.TemporarySuffix;
        await using (var stream = new FileStream(statsTemporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stats.Write(stream);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(statsTemporary, files.Stats, overwrite: true);
    }

    /// <summary>The file extension (and parquet column name) of a picture format: <c>jpg</c>, <c>png</c>, <c>webp</c>.</summary>
    public static string Extension(DatasetEncodeFormat format) => format switch
    {
        DatasetEncodeFormat.Png => "png",
        DatasetEncodeFormat.Webp => "webp",
        _ => "jpg",
    };

    private static async Task WriteTarAsync(string path, IReadOnlyList<DatasetRecord> records, string extension, CancellationToken cancellationToken)
    {
        var temporary = path + DatasetShardFiles.TemporarySuffix;
        await using (var stream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous))
        {
            await using (var tar = new TarWriter(stream, TarEntryFormat.Pax, leaveOpen: true))
            {
                foreach (var (name, content) in Members(records, extension))
                {
                    var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
                    {
                        DataStream = new MemoryStream(content, writable: false),
                        Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    };
                    await tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
                }
            }

            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temporary, path, overwrite: true);
    }

    private static async Task WriteFolderAsync(string path, IReadOnlyList<DatasetRecord> records, string extension, CancellationToken cancellationToken)
    {
        var temporary = path + DatasetShardFiles.TemporarySuffix;
        Directory.CreateDirectory(temporary);
        foreach (var (name, content) in Members(records, extension))
        {
            await File.WriteAllBytesAsync(Path.Combine(temporary, name), content, cancellationToken).ConfigureAwait(false);
        }

        Directory.Move(temporary, path);
    }

    /// <summary>The picture, caption and metadata of each successful sample, in key order.</summary>
    private static IEnumerable<(string Name, byte[] Content)> Members(IReadOnlyList<DatasetRecord> records, string extension)
    {
        foreach (var record in records)
        {
            if (record.Image is not { } image)
            {
                continue;
            }

            yield return ($"{record.Key}.{extension}", image.Bytes);
            if (record.Sample.Caption is { } caption)
            {
                yield return ($"{record.Key}.txt", Utf8.GetBytes(caption));
            }

            yield return ($"{record.Key}.json", SampleJson(record));
        }
    }

    /// <summary>The <c>{key}.json</c> of a sample: img2dataset's metadata fields, then the extra columns.</summary>
    public static byte[] SampleJson(DatasetRecord record)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("url", record.Sample.Url);
            json.WriteString("caption", record.Sample.Caption);
            json.WriteString("key", record.Key);
            json.WriteString("status", record.Status);
            json.WriteString("error_message", record.Error?.Message);
            WriteSize(json, "width", record.Image?.Width);
            WriteSize(json, "height", record.Image?.Height);
            WriteSize(json, "original_width", record.Image?.OriginalWidth);
            WriteSize(json, "original_height", record.Image?.OriginalHeight);
            json.WriteString("sha256", record.Sha256);
            foreach (var (name, value) in record.Sample.Extra)
            {
                if (!FixedColumns.Contains(name))
                {
                    json.WriteString(name, value);
                }
            }

            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    private static void WriteSize(Utf8JsonWriter json, string name, int? value)
    {
        if (value is { } v)
        {
            json.WriteNumber(name, v);
        }
        else
        {
            json.WriteNull(name);
        }
    }
}
