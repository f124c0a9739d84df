using System.Runtime.CompilerServices;
using System.Text.Json;

namespace Haul.Datasets;

public static partial class DatasetSource
{
    /// <summary>4 MiB: one row of a URL table is a few hundred bytes; this bounds the buffer a hostile file can demand.</summary>
    internal const int MaxJsonElementBytes = 4 * 1024 * 1024;

    private enum JsonStep { NeedMore, Element, End }

    /// <summary>
    /// Reads a top-level JSON array of objects element by element with <see cref="Utf8JsonReader"/>,
    /// so only the element being read (and one buffer) is in memory.
    /// </summary>
    private static async IAsyncEnumerable<DatasetSample> ReadJsonArrayAsync(
        string file, int index, DatasetInputOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await using var stream = OpenStream(file, options);
        var buffer = new byte[BufferBytes];
        var filled = 0;
        var start = 0;
        var final = false;
        var started = false;
        var state = new JsonReaderState();
        long row = 0;
        while (true)
        {
            var step = NextJsonElement(buffer.AsSpan(start, filled - start), final, ref state, ref started, out var consumed, out var element, file);
            start += consumed;
            if (step == JsonStep.End)
            {
                yield break;
            }

            if (element is not null)
            {
                using (element)
                {
                    yield return Sample(options, index, row++, name => Cell(element.RootElement, name));
                }

                continue;
            }

            if (final)
            {
                throw new DatasetInputException(file, $"{file} ends inside its JSON array.");
            }

            // Keep the unread tail at the front; grow only when one element fills the whole buffer.
            Buffer.BlockCopy(buffer, start, buffer, 0, filled - start);
            filled -= start;
            start = 0;
            if (filled == buffer.Length)
            {
                if (buffer.Length >= MaxJsonElementBytes)
                {
                    throw new DatasetInputException(file, $"An element of {file} is larger than {MaxJsonElementBytes / (1024 * 1024)} MiB.");
                }

                Array.Resize(ref buffer, Math.Min(buffer.Length * 2, MaxJsonElementBytes));
            }

            var read = await stream.ReadAsync(buffer.AsMemory(filled), cancellationToken).ConfigureAwait(false);
            filled += read;
            final = read == 0;
            if (!started && filled >= 3 && buffer[0] == 0xEF && buffer[1] == 0xBB && buffer[2] == 0xBF)
            {
                start = 3;
            }
        }
    }

    private static JsonStep NextJsonElement(
        ReadOnlySpan<byte> data, bool final, ref JsonReaderState state, ref bool started, out int consumed, out JsonDocument? element, string file)
    {
        consumed = 0;
        element = null;
        if (!started && final && data.TrimStart(" \t\r\n"u8).IsEmpty)
        {
            throw new DatasetInputException(file, $"{file} is empty: a JSON array of objects is needed.");
        }

        var reader = new Utf8JsonReader(data, final, state);
        if (!started)
        {
            if (!reader.Read())
            {
                return JsonStep.NeedMore;
            }

            if (reader.TokenType != JsonTokenType.StartArray)
            {
                throw new DatasetInputException(file, $"{file} is not a JSON array of objects.");
            }

            started = true;
            consumed = (int)reader.BytesConsumed;
            state = reader.CurrentState;
        }

        if (!reader.Read())
        {
            return JsonStep.NeedMore;
        }

        switch (reader.TokenType)
        {
            case JsonTokenType.EndArray:
                return JsonStep.End;
            case JsonTokenType.StartObject:
                if (!JsonDocument.TryParseValue(ref reader, out element))
                {
                    return JsonStep.NeedMore;
                }

                consumed = (int)reader.BytesConsumed;
                state = reader.CurrentState;
                return JsonStep.Element;
            default:
                throw new DatasetInputException(file, $"{file} holds a JSON {reader.TokenType} where the array should hold an object.");
        }
    }
}
