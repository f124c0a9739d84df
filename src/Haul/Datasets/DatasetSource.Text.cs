using System.Runtime.CompilerServices;
using System.Text.Json;
using Haul.Input;

namespace Haul.Datasets;

public static partial class DatasetSource
{
    private static async IAsyncEnumerable<DatasetSample> ReadTxtAsync(
        string file, int index, DatasetInputOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = OpenText(file, options);
        var scanner = new InputLineScanner(reader);
        long row = 0;
        while (await scanner.NextAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (TextLineProblem(file, line) is { } problem)
            {
                yield return Unreadable(index, row++, line.Prefix + "\u2026", problem);
                continue;
            }

            var url = line.Text!.Trim();
            if (url.Length > 0)
            {
                yield return new DatasetSample(index, row++, url, null, []);
            }
        }
    }

    private static async IAsyncEnumerable<DatasetSample> ReadJsonLinesAsync(
        string file, int index, DatasetInputOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        using var reader = OpenText(file, options);
        var scanner = new InputLineScanner(reader);
        long row = 0;
        while (await scanner.NextAsync(cancellationToken).ConfigureAwait(false) is { } line)
        {
            if (TextLineProblem(file, line) is { } problem)
            {
                yield return Unreadable(index, row++, line.Prefix + "\u2026", problem);
                continue;
            }

            var text = line.Text!;
            if (string.IsNullOrWhiteSpace(text))
            {
                continue;
            }

            yield return JsonLineSample(options, file, index, row++, line.Number, text);
        }
    }

    private static DatasetSample JsonLineSample(DatasetInputOptions options, string file, int index, long row, int lineNumber, string text)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(text);
        }
        catch (JsonException)
        {
            return Unreadable(index, row, string.Empty, $"Line {lineNumber} of {file} is not valid JSON.");
        }

        using (document)
        {
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? Sample(options, index, row, name => Cell(document.RootElement, name))
                : Unreadable(index, row, string.Empty, $"Line {lineNumber} of {file} is not a JSON object.");
        }
    }

    /// <summary>A string cell is its text; a number, boolean, array or object its JSON; null or absent is null.</summary>
    private static string? Cell(JsonElement row, string name) =>
        row.TryGetProperty(name, out var value)
            ? value.ValueKind switch
            {
                JsonValueKind.String => value.GetString(),
                JsonValueKind.Null or JsonValueKind.Undefined => null,
                _ => value.GetRawText(),
            }
            : null;

    private static string? TextLineProblem(string file, InputLine line) =>
        line.Binary
            ? throw new DatasetInputException(file, $"{file} is not text (a NUL byte on line {line.Number}).")
            : line.TooLong
                ? $"Line {line.Number} of {file} is longer than 64 KiB (65,536 characters); it was skipped."
                : null;
}
