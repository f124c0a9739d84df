using System.Globalization;
using System.Runtime.CompilerServices;
using Parquet;
using Parquet.Schema;

namespace Haul.Datasets;

public static partial class DatasetSource
{
    /// <summary>Reads a Parquet file one row group at a time, and only the columns asked for.</summary>
    private static async IAsyncEnumerable<DatasetSample> ReadParquetAsync(
        string file, int index, DatasetInputOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = new FileStream(file, FileMode.Open, FileAccess.Read, FileShare.Read, BufferBytes, FileOptions.Asynchronous);
        var reader = await ParquetReader.CreateAsync(stream, cancellationToken: cancellationToken).ConfigureAwait(false);
        await using var readerLifetime = reader.ConfigureAwait(false);
        var fields = reader.Schema.GetDataFields();
        var wanted = Wanted(options).Distinct(StringComparer.Ordinal).ToArray();
        var chosen = new DataField[wanted.Length];
        for (var i = 0; i < wanted.Length; i++)
        {
            chosen[i] = fields.FirstOrDefault(f => f.Name == wanted[i] && f.Path.ToList().Count == 1)
                ?? throw new DatasetInputException(file, $"{file} has no column '{wanted[i]}' (its columns: {string.Join(", ", fields.Select(f => f.Name))}).");
            if (chosen[i].IsArray)
            {
                throw new DatasetInputException(file, $"The column '{wanted[i]}' of {file} holds lists; a column of single values is needed.");
            }
        }

        long row = 0;
        for (var group = 0; group < reader.RowGroupCount; group++)
        {
            using var groupReader = reader.OpenRowGroupReader(group);
            var count = checked((int)groupReader.RowCount);
            var columns = new Dictionary<string, string?[]>(StringComparer.Ordinal);
            for (var i = 0; i < wanted.Length; i++)
            {
                columns[wanted[i]] = await ReadColumnAsTextAsync(groupReader, chosen[i], count, file, cancellationToken).ConfigureAwait(false);
            }

            for (var r = 0; r < count; r++)
            {
                var at = r;
                yield return Sample(options, index, row++, name => columns[name][at]);
            }
        }
    }

    private static async Task<string?[]> ReadColumnAsTextAsync(
        ParquetRowGroupReader group, DataField field, int count, string file, CancellationToken cancellationToken)
    {
        var type = field.ClrType;
        if (type == typeof(string) || type == typeof(ReadOnlyMemory<char>))
        {
            var values = new string?[count];
            await group.ReadAsync(field, values.AsMemory()!, null, cancellationToken).ConfigureAwait(false);
            return values;
        }

        return type switch
        {
            _ when type == typeof(bool) => await ReadValuesAsync<bool>(group, field, count, v => v ? "true" : "false", cancellationToken).ConfigureAwait(false),
            _ when type == typeof(int) => await ReadValuesAsync<int>(group, field, count, Invariant, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(long) => await ReadValuesAsync<long>(group, field, count, Invariant, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(short) => await ReadValuesAsync<short>(group, field, count, Invariant, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(sbyte) => await ReadValuesAsync<sbyte>(group, field, count, Invariant, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(byte) => await ReadValuesAsync<byte>(group, field, count, Invariant, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(ushort) => await ReadValuesAsync<ushort>(group, field, count, Invariant, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(uint) => await ReadValuesAsync<uint>(group, field, count, Invariant, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(ulong) => await ReadValuesAsync<ulong>(group, field, count, Invariant, cancellationToken).ConfigureAwait(false),
            _ when type == typeof(float) => await ReadValuesAsync<float>(group, field, count, v => v.ToString("R", CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false),
            _ when type == typeof(double) => await ReadValuesAsync<double>(group, field, count, v => v.ToString("R", CultureInfo.InvariantCulture), cancellationToken).ConfigureAwait(false),
            _ => throw new DatasetInputException(file, $"The column '{field.Name}' of {file} is of type {type.Name}, which is not read; text, integer, floating-point and boolean columns are."),
        };
    }

    private static string Invariant<T>(T value) where T : IFormattable => value.ToString(null, CultureInfo.InvariantCulture);

    private static async Task<string?[]> ReadValuesAsync<T>(
        ParquetRowGroupReader group, DataField field, int count, Func<T, string> format, CancellationToken cancellationToken)
        where T : struct
    {
        var text = new string?[count];
        if (field.IsNullable)
        {
            var values = new T?[count];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                text[i] = values[i] is { } value ? format(value) : null;
            }
        }
        else
        {
            var values = new T[count];
            await group.ReadAsync(field, values.AsMemory(), null, cancellationToken).ConfigureAwait(false);
            for (var i = 0; i < count; i++)
            {
                text[i] = format(values[i]);
            }
        }

        return text;
    }
}
