using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using Haul.Cli.Output;
using Haul.Distributed;

namespace Haul.Cli.Commands;

/// <summary><c>haul status redis://HOST:PORT/JOB [--json]</c>: where a distributed job stands.</summary>
internal static class StatusCommand
{
    public static Command Create(CliIo io)
    {
        var job = JobArguments.Address();
        var json = new Option<bool>("--json") { Description = "One JSON object on stdout." };
        var silentAfter = NumberOptions.Seconds("--silent-after", 0.1, 60, "Seconds without a sign of life after which a running worker shows as silent.");
        var command = new Command("status", "Show a distributed job: queued, in flight, done, failed, its workers.") { job, json, silentAfter };

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var address = JobArguments.Parse(parseResult.GetValue(job));
            var silence = TimeSpan.FromSeconds(parseResult.GetValue(silentAfter));
            await using var remote = await JobArguments.ConnectAsync(address, io, cancellationToken);
            if (remote is null)
            {
                return ExitCodes.SomeFailed;
            }

            var status = await remote.ReadStatusAsync(silence, cancellationToken);
            await (parseResult.GetValue(json) ? WriteJsonAsync(io.Out, status) : WriteTextAsync(io.Out, status));
            return ExitCodes.Success;
        });
        return command;
    }

    private static async Task WriteTextAsync(TextWriter output, JobStatus status)
    {
        var state = status.Done ? "done" : status.Closed ? "closed" : "open";
        var kind = status.IsCrawl ? $", crawl, {status.Pages} pages visited" : string.Empty;
        await output.WriteLineAsync(
            $"job {status.Job} ({state}{kind}): {status.Enqueued} enqueued, {status.Queued} queued, {status.InFlight} in flight, " +
            $"{status.Ok + status.Skipped} done ({status.Skipped} skipped), {status.Failed} failed");
        if (status.OldestPendingAge is { } age)
        {
            await output.WriteLineAsync($"oldest pending: {ByteFormat.Duration(age)} old, {Actions.DisplayText.Safe(status.OldestPendingUrl ?? string.Empty)}");
        }

        if (status.Workers.Count > 0)
        {
            string[] headers = ["worker", "state", "in flight", "done", "failed", "files/s", "speed", "last seen", "directory"];
            var rows = status.Workers.Select(worker => new[]
            {
                worker.Name,
                worker.State,
                worker.InFlight.ToString(CultureInfo.InvariantCulture),
                (worker.Ok + worker.Skipped).ToString(CultureInfo.InvariantCulture),
                worker.Failed.ToString(CultureInfo.InvariantCulture),
                worker.FilesPerSecond.ToString("0.0", CultureInfo.InvariantCulture),
                ByteFormat.Speed(worker.BytesPerSecond),
                $"{ByteFormat.Duration(worker.SinceSeen)} ago",
                worker.Directory ?? string.Empty,
            }).ToList();
            var widths = headers.Select((header, column) => Math.Max(header.Length, rows.Max(row => row[column].Length))).ToArray();
            foreach (var row in rows.Prepend(headers))
            {
                await output.WriteLineAsync(Actions.DisplayText.Safe(string.Join("  ", row.Select((cell, column) => column is >= 2 and <= 6 ? cell.PadLeft(widths[column]) : cell.PadRight(widths[column]))).TrimEnd()));
            }
        }

        await output.FlushAsync();
    }

    private static async Task WriteJsonAsync(TextWriter output, JobStatus status)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("job", status.Job);
            json.WriteBoolean("closed", status.Closed);
            json.WriteBoolean("done", status.Done);
            json.WriteBoolean("crawl", status.IsCrawl);
            json.WriteNumber("enqueued", status.Enqueued);
            json.WriteNumber("queued", status.Queued);
            json.WriteNumber("in_flight", status.InFlight);
            json.WriteNumber("ok", status.Ok);
            json.WriteNumber("skipped", status.Skipped);
            json.WriteNumber("failed", status.Failed);
            json.WriteNumber("pages", status.Pages);
            if (status.OldestPendingAge is { } age)
            {
                json.WriteStartObject("oldest_pending");
                json.WriteNumber("age_ms", (long)age.TotalMilliseconds);
                json.WriteString("url", status.OldestPendingUrl);
                json.WriteEndObject();
            }

            json.WriteStartArray("workers");
            foreach (var worker in status.Workers)
            {
                json.WriteStartObject();
                json.WriteString("name", worker.Name);
                json.WriteString("state", worker.State);
                json.WriteString("host", worker.Host);
                json.WriteString("dir", worker.Directory);
                json.WriteNumber("in_flight", worker.InFlight);
                json.WriteNumber("ok", worker.Ok);
                json.WriteNumber("skipped", worker.Skipped);
                json.WriteNumber("failed", worker.Failed);
                json.WriteNumber("bytes", worker.Bytes);
                json.WriteNumber("active_ms", (long)worker.Active.TotalMilliseconds);
                json.WriteNumber("last_seen_ms", (long)worker.SinceSeen.TotalMilliseconds);
                json.WriteNumber("files_per_second", Math.Round(worker.FilesPerSecond, 2));
                json.WriteNumber("bytes_per_second", Math.Round(worker.BytesPerSecond));
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteString("results_stream", $"haul:{{{status.Job}}}:results");
            json.WriteEndObject();
        }

        await output.WriteLineAsync(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
        await output.FlushAsync();
    }
}
