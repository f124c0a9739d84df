using System.Globalization;
using System.Text.Json;
using Haul.Errors;

namespace Haul.Datasets;

/// <summary>One shard's counts, as img2dataset writes them in <c>00000_stats.json</c>, with failures also counted by kind.</summary>
internal sealed record DatasetShardStats(
    int Count,
    int Successes,
    int FailedToDownload,
    int FailedToResize,
    IReadOnlyDictionary<string, int> ErrorKinds,
    DateTimeOffset Start,
    DateTimeOffset End)
{
    public static DatasetShardStats For(IReadOnlyList<DatasetRecord> records, DateTimeOffset start, DateTimeOffset end)
    {
        var kinds = new SortedDictionary<string, int>(StringComparer.Ordinal);
        foreach (var record in records)
        {
            if (record.Error is { } error)
            {
                var name = error.Kind.ToName();
                kinds[name] = kinds.GetValueOrDefault(name) + 1;
            }
        }

        return new DatasetShardStats(
            records.Count,
            records.Count(r => r.Status == DatasetRecord.Success),
            records.Count(r => r.Status == DatasetRecord.FailedToDownload),
            records.Count(r => r.Status == DatasetRecord.FailedToResize),
            kinds,
            start,
            end);
    }

    public void Write(Stream stream)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        json.WriteStartObject();
        json.WriteNumber("count", Count);
        json.WriteNumber("successes", Successes);
        json.WriteNumber("failed_to_download", FailedToDownload);
        json.WriteNumber("failed_to_resize", FailedToResize);
        json.WriteNumber("duration", Math.Round((End - Start).TotalSeconds, 3));
        json.WriteNumber("start_time", Math.Round(Start.ToUnixTimeMilliseconds() / 1000.0, 3));
        json.WriteNumber("end_time", Math.Round(End.ToUnixTimeMilliseconds() / 1000.0, 3));
        json.WriteStartObject("status_dict");
        foreach (var (status, count) in new[] { (DatasetRecord.Success, Successes), (DatasetRecord.FailedToDownload, FailedToDownload), (DatasetRecord.FailedToResize, FailedToResize) })
        {
            if (count > 0)
            {
                json.WriteNumber(status, count);
            }
        }

        json.WriteEndObject();
        json.WriteStartObject("error_kinds");
        foreach (var (kind, count) in ErrorKinds)
        {
            json.WriteNumber(kind, count);
        }

        json.WriteEndObject();
        json.WriteEndObject();
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"{Successes}/{Count}");
}
