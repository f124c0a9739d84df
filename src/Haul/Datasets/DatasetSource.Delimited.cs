using System.Runtime.CompilerServices;

namespace Haul.Datasets;

public static partial class DatasetSource
{
    private static async IAsyncEnumerable<DatasetSample> ReadDelimitedAsync(
        string file, int index, char delimiter, DatasetInputOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = OpenText(file, options);
        var records = new DelimitedRecordReader(reader, delimiter, file);
        var header = await records.NextAsync(cancellationToken).ConfigureAwait(false);
        if (header?.Fields is not { } names)
        {
            throw new DatasetInputException(file, header is null
                ? $"{file} is empty: a header row naming the columns is needed."
                : $"The header row of {file} is longer than the limit.");
        }

        var columns = new Dictionary<string, int>(StringComparer.Ordinal);
        for (var i = names.Count - 1; i >= 0; i--)
        {
            columns[names[i]] = i;
        }

        foreach (var wanted in Wanted(options))
        {
            if (!columns.ContainsKey(wanted))
            {
                throw new DatasetInputException(file, $"{file} has no column '{wanted}' (its columns: {string.Join(", ", names)}).");
            }
        }

        long row = 0;
        while (await records.NextAsync(cancellationToken).ConfigureAwait(false) is { } record)
        {
            if (record.Fields is not { } fields)
            {
                yield return Unreadable(index, row++, string.Empty,
                    $"The row on line {record.Line} of {file} is longer than {DelimitedRecordReader.MaxRecordChars:N0} characters; it was skipped.");
                continue;
            }

            if (fields.Count != names.Count)
            {
                yield return Unreadable(index, row++, string.Empty,
                    $"The row on line {record.Line} of {file} has {fields.Count} fields where the header has {names.Count}.");
                continue;
            }

            yield return Sample(options, index, row++, name => fields[columns[name]] is { Length: > 0 } value ? value : null);
        }
    }

    private static IEnumerable<string> Wanted(DatasetInputOptions options)
    {
        yield return options.UrlColumn;
        if (options.CaptionColumn is { } caption)
        {
            yield return caption;
        }

        foreach (var extra in options.AdditionalColumns)
        {
            yield return extra;
        }
    }
}
