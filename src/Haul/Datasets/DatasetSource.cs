using System.IO.Compression;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;

namespace Haul.Datasets;

/// <summary>
/// Reads a data set's input table, one file or a folder of files in sorted order, as a stream of
/// samples: only the row being read is held (a Parquet file: one row group), never the whole table.
/// </summary>
public static partial class DatasetSource
{
    private const int BufferBytes = 64 * 1024;

    /// <summary>
    /// Yields every sample of the input at <paramref name="path"/> (a file, or a folder whose files
    /// ending in the format's extension are read in ordinal order). A row that cannot be read comes
    /// as a sample with an <see cref="DatasetSample.InputError"/>; an input that cannot be read at all
    /// throws <see cref="DatasetInputException"/>.
    /// </summary>
    public static async IAsyncEnumerable<DatasetSample> ReadAsync(
        string path,
        DatasetInputOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        Validate(path, options);
        var files = InputFiles(path, options);
        for (var index = 0; index < files.Count; index++)
        {
            var file = files[index];
            var samples = ReadFileAsync(file, index, options, cancellationToken).GetAsyncEnumerator(cancellationToken);
            try
            {
                while (true)
                {
                    DatasetSample sample;
                    try
                    {
                        if (!await samples.MoveNextAsync().ConfigureAwait(false))
                        {
                            break;
                        }

                        sample = samples.Current;
                    }
                    catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException
                        or JsonException or Parquet.ParquetException or NotSupportedException)
                    {
                        throw new DatasetInputException(file, $"{file} cannot be read as {options.Extension}: {ex.Message}", ex);
                    }

                    yield return sample;
                }
            }
            finally
            {
                await samples.DisposeAsync().ConfigureAwait(false);
            }
        }
    }

    /// <summary>The files <see cref="ReadAsync"/> reads for <paramref name="path"/>, in the order it reads them.</summary>
    public static IReadOnlyList<string> InputFiles(string path, DatasetInputOptions options)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(options);
        if (Directory.Exists(path))
        {
            var ending = "." + options.Extension;
            var files = Directory.EnumerateFiles(path)
                .Where(f => f.EndsWith(ending, StringComparison.Ordinal))
                .Order(StringComparer.Ordinal)
                .ToArray();
            return files.Length > 0
                ? files
                : throw new DatasetInputException(path, $"The folder {path} has no *{ending} file.");
        }

        return File.Exists(path) ? [path] : throw new DatasetInputException(path, $"{path} does not exist.");
    }

    private static void Validate(string path, DatasetInputOptions options)
    {
        if (options.Format == DatasetInputFormat.Txt && (options.CaptionColumn is not null || options.AdditionalColumns.Count > 0))
        {
            throw new DatasetInputException(path, "A txt input holds only URLs; captions and additional columns need csv, tsv, json, jsonl or parquet.");
        }

        if (options.Format == DatasetInputFormat.Parquet && options.Gzip)
        {
            throw new DatasetInputException(path, "Parquet files compress themselves; parquet.gz is not a format.");
        }
    }

    private static IAsyncEnumerable<DatasetSample> ReadFileAsync(string file, int index, DatasetInputOptions options, CancellationToken cancellationToken) =>
        options.Format switch
        {
            DatasetInputFormat.Txt => ReadTxtAsync(file, index, options, cancellationToken),
            DatasetInputFormat.Csv => ReadDelimitedAsync(file, index, ',', options, cancellationToken),
            DatasetInputFormat.Tsv => ReadDelimitedAsync(file, index, '\t', options, cancellationToken),
            DatasetInputFormat.Jsonl => ReadJsonLinesAsync(file, index, options, cancellationToken),
            DatasetInputFormat.Json => ReadJsonArrayAsync(file, index, options, cancellationToken),
            DatasetInputFormat.Parquet => ReadParquetAsync(file, index, options, cancellationToken),
            _ => throw new ArgumentOutOfRangeException(nameof(options), options.Format, null),
        };

    private static Stream OpenStream(string file, DatasetInputOptions options)
    {
        Stream stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, BufferBytes, FileOptions.Asynchronous | FileOptions.SequentialScan);
        return options.Gzip ? new GZipStream(stream, CompressionMode.Decompress) : stream;
    }

    private static StreamReader OpenText(string file, DatasetInputOptions options) =>
        new(OpenStream(file, options), Encoding.UTF8, detectEncodingFromByteOrderMarks: true, BufferBytes);

    private static DatasetSample Sample(DatasetInputOptions options, int file, long row, Func<string, string?> cell)
    {
        var extra = new KeyValuePair<string, string?>[options.AdditionalColumns.Count];
        for (var i = 0; i < extra.Length; i++)
        {
            var name = options.AdditionalColumns[i];
            extra[i] = new(name, cell(name));
        }

        var caption = options.CaptionColumn is { } captionColumn ? cell(captionColumn) : null;
        return new DatasetSample(file, row, cell(options.UrlColumn)?.Trim() ?? string.Empty, string.IsNullOrEmpty(caption) ? null : caption, extra);
    }

    private static DatasetSample Unreadable(int file, long row, string shown, string reason) =>
        new(file, row, shown, null, []) { InputError = reason };
}
