using System.Formats.Tar;
using System.Text;
using System.Text.Json;

namespace Haul.Datasets;

/// <summary>
/// Writes one shard as its samples arrive in key order: each picture, caption and metadata goes
/// to the temporary tar (or folder) at once, and only a small row per sample (no picture) is kept
/// for the Parquet file and the stats written at the end. Every file goes to a temporary beside
/// its final name and is renamed when complete: the data, then the metadata, then the stats, so a
/// shard whose stats exist is whole, and a shard killed half-way leaves only files that
/// <see cref="DatasetShardFiles.RemoveLeftovers"/> removes. Disposed before
/// <see cref="CompleteAsync"/>, it leaves its temporaries unrenamed.
/// </summary>
internal sealed partial class DatasetShardWriter : IAsyncDisposable
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);

    private readonly DatasetShardFiles _files;
    private readonly string _extension;
    private readonly List<DatasetRecord> _rows = [];
    private FileStream? _tarStream;
    private TarWriter? _tar;
    private string? _folder;
    private string? _lastKey;
    private bool _completed;

    private DatasetShardWriter(DatasetShardFiles files, DatasetEncodeFormat encodeFormat)
    {
        _files = files;
        _extension = Extension(encodeFormat);
    }

    /// <summary>The rows added so far, in key order; a success keeps its sizes, not its picture (except for the parquet format, whose file holds them).</summary>
    public IReadOnlyList<DatasetRecord> Rows => _rows;

    /// <summary>Starts writing the shard <paramref name="files"/> names: its data temporary is created (emptied if it exists).</summary>
    public static DatasetShardWriter Create(DatasetShardFiles files, DatasetEncodeFormat encodeFormat)
    {
        ArgumentNullException.ThrowIfNull(files);
        var writer = new DatasetShardWriter(files, encodeFormat);
        var temporary = files.Data + DatasetShardFiles.TemporarySuffix;
        switch (files.Format)
        {
            case DatasetOutputFormat.Webdataset:
                writer._tarStream = new FileStream(temporary, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, FileOptions.Asynchronous);
                writer._tar = new TarWriter(writer._tarStream, TarEntryFormat.Pax, leaveOpen: true);
                break;
            case DatasetOutputFormat.Files:
                if (Directory.Exists(temporary))
                {
                    Directory.Delete(temporary, recursive: true);
                }

                Directory.CreateDirectory(temporary);
                writer._folder = temporary;
                break;
        }

        return writer;
    }

    /// <summary>
    /// Writes a whole shard at once.
    /// </summary>
    /// <param name="files">The shard's names.</param>
    /// <param name="records">Its samples in key order, failed ones too.</param>
    /// <param name="encodeFormat">The pictures' format, which names their files.</param>
    /// <param name="stats">The shard's counts.</param>
    /// <param name="cancellationToken">Stops the writing; what was written stays a temporary.</param>
    public static async Task WriteAsync(DatasetShardFiles files, IReadOnlyList<DatasetRecord> records, DatasetEncodeFormat encodeFormat, DatasetShardStats stats, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(records);
        var writer = Create(files, encodeFormat);
        await using (writer.ConfigureAwait(false))
        {
            foreach (var record in records)
            {
                await writer.AddAsync(record, cancellationToken).ConfigureAwait(false);
            }

            await writer.CompleteAsync(stats, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Writes the members of the next sample (none for a failed one) and keeps its row.</summary>
    /// <exception cref="ArgumentException">The sample's key does not come after the previous one's.</exception>
    public async ValueTask AddAsync(DatasetRecord record, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(record);
        ObjectDisposedException.ThrowIf(_completed, this);
        if (_lastKey is not null && string.CompareOrdinal(record.Key, _lastKey) <= 0)
        {
            throw new ArgumentException($"The key {record.Key} comes after {_lastKey}: a shard is written in key order.", nameof(record));
        }

        _lastKey = record.Key;
        if (record.Image is { } image)
        {
            foreach (var (name, content) in Members(record, _extension))
            {
                if (_tar is not null)
                {
                    var entry = new PaxTarEntry(TarEntryType.RegularFile, name)
                    {
                        DataStream = new MemoryStream(content, writable: false),
                        Mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead,
                    };
                    await _tar.WriteEntryAsync(entry, cancellationToken).ConfigureAwait(false);
                }
                else if (_folder is not null)
                {
                    await File.WriteAllBytesAsync(Path.Combine(_folder, name), content, cancellationToken).ConfigureAwait(false);
                }
            }

            // The picture is on disk now; only the parquet format still needs it, for its own file.
            if (_files.Format != DatasetOutputFormat.Parquet)
            {
                record = record with { Image = image with { Bytes = [] } };
            }
        }

        _rows.Add(record);
    }

    /// <summary>Makes the shard whole: the data, the Parquet metadata, then the stats, each renamed into place when complete.</summary>
    public async Task CompleteAsync(DatasetShardStats stats, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(stats);
        ObjectDisposedException.ThrowIf(_completed, this);
        _completed = true;
        if (_tar is not null && _tarStream is not null)
        {
            await _tar.DisposeAsync().ConfigureAwait(false);
            _tar = null;
            await _tarStream.FlushAsync(cancellationToken).ConfigureAwait(false);
            _tarStream.Flush(flushToDisk: true);
            await _tarStream.DisposeAsync().ConfigureAwait(false);
            _tarStream = null;
            File.Move(_files.Data + DatasetShardFiles.TemporarySuffix, _files.Data!, overwrite: true);
        }
        else if (_folder is not null)
        {
            Directory.Move(_folder, _files.Data!);
        }

        await WriteParquetAsync(_files.Parquet, _rows, _files.Format == DatasetOutputFormat.Parquet, cancellationToken).ConfigureAwait(false);
        var statsTemporary = _files.Stats + DatasetShardFiles.TemporarySuffix;
        await using (var stream = new FileStream(statsTemporary, FileMode.Create, FileAccess.Write, FileShare.None))
        {
            stats.Write(stream);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        File.Move(statsTemporary, _files.Stats, overwrite: true);
    }

    /// <summary>Closes the temporaries; an incomplete shard stays temporaries, never a file under its final name.</summary>
    public async ValueTask DisposeAsync()
    {
        _completed = true;
        try
        {
            if (_tar is not null)
            {
                // Closing the tar writes its end blocks: harmless in a temporary that is never renamed.
                var tar = _tar;
                _tar = null;
                await tar.DisposeAsync().ConfigureAwait(false);
            }
        }
        finally
        {
            // Closed even when the end blocks fail (a full disk): a temporary removed while still
            // open would keep its space until the process ends.
            if (_tarStream is not null)
            {
                var stream = _tarStream;
                _tarStream = null;
                await stream.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The file extension (and parquet column name) of a picture format: <c>jpg</c>, <c>png</c>, <c>webp</c>.</summary>
    public static string Extension(DatasetEncodeFormat format) => format switch
    {
        DatasetEncodeFormat.Png => "png",
        DatasetEncodeFormat.Webp => "webp",
        _ => "jpg",
    };

    /// <summary>The picture, caption and metadata of a successful sample.</summary>
    private static IEnumerable<(string Name, byte[] Content)> Members(DatasetRecord record, string extension)
    {
        yield return ($"{record.Key}.{extension}", record.Image!.Bytes);
        if (record.Sample.Caption is { } caption)
        {
            yield return ($"{record.Key}.txt", Utf8.GetBytes(caption));
        }

        yield return ($"{record.Key}.json", SampleJson(record));
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
