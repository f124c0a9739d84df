using System.CommandLine;
using System.Globalization;
using Haul.Actions;
using Haul.Cli.Output;
using Haul.Datasets;
using Haul.Errors;

namespace Haul.Cli.Commands;

/// <summary>
/// <c>haul dataset INPUT -d OUT</c>: an image data set from a URL list with captions, with
/// img2dataset's flags (in kebab case) and layout. Failed samples are counted, not fatal: the run
/// exits 0 once every shard is written.
/// </summary>
internal static class DatasetCommand
{
    public static Command Create(CliIo io)
    {
        var input = new Argument<string>("input") { Description = "The URL list: a file, or a folder of files of the input format." };
        var outputFolder = new Option<string>("--output-folder", "-d") { Description = "The folder the shards are written to, created if missing.", DefaultValueFactory = _ => "images" };
        var inputFormat = new Option<string>("--input-format") { Description = "txt | csv | tsv | json | jsonl (each also .gz) | parquet.", DefaultValueFactory = _ => "txt" };
        var urlCol = new Option<string>("--url-col") { Description = "The column holding the URLs.", DefaultValueFactory = _ => "url" };
        var captionCol = new Option<string?>("--caption-col") { Description = "The column holding the captions (none by default)." };
        var additional = new Option<string?>("--save-additional-columns") { Description = "Further columns kept in each sample's metadata, comma-separated." };
        var outputFormat = new Option<string>("--output-format") { Description = "webdataset (00000.tar) | files (00000/) | parquet (pictures in 00000.parquet).", DefaultValueFactory = _ => "webdataset" };
        outputFormat.AcceptOnlyFromAmong("webdataset", "files", "parquet");
        var perShard = NumberOptions.Whole("--number-sample-per-shard", null, 1, 1_000_000, 10_000, "Samples per shard.");
        var imageSize = NumberOptions.Whole("--image-size", null, 1, 65_535, 256, "The side, in pixels, pictures are resized to.");
        var resizeMode = new Option<string>("--resize-mode") { Description = "no | border | keep_ratio | keep_ratio_largest | center_crop.", DefaultValueFactory = _ => "border" };
        resizeMode.AcceptOnlyFromAmong("no", "border", "keep_ratio", "keep_ratio_largest", "center_crop");
        var onlyIfBigger = new Option<bool>("--resize-only-if-bigger") { Description = "Only shrink: a picture already within the size keeps its size." };
        var encodeFormat = new Option<string>("--encode-format") { Description = "jpg | png | webp.", DefaultValueFactory = _ => "jpg" };
        encodeFormat.AcceptOnlyFromAmong("jpg", "png", "webp");
        var encodeQuality = NumberOptions.OptionalWhole("--encode-quality", 0, 100, "JPEG and WebP quality 1-100 (95); PNG compression 0-9 (9).");
        var minImageSize = NumberOptions.Whole("--min-image-size", null, 0, 65_535, 0, "Refuse pictures whose smaller side is below this.");
        var maxAspectRatio = new Option<double?>("--max-aspect-ratio") { Description = "Refuse pictures whose larger side over the smaller is above this (no limit)." };
        var disallowed = new Option<string>("--disallowed-header-directives") { Description = "X-Robots-Tag directives that refuse a picture, comma-separated ('' for none).", DefaultValueFactory = _ => string.Join(',', DatasetRunOptions.DefaultDisallowedHeaderDirectives) };
        var maxConcurrent = NumberOptions.Whole("--max-concurrent", "-j", 1, 10_000, 16, "Picture downloads in flight at once.");
        // img2dataset's thread_count is its downloads in flight per process: the same knob as -j.
        maxConcurrent.Aliases.Add("--thread-count");
        var maxPerHost = NumberOptions.Whole("--max-per-host", null, 1, 10_000, 8, "Connections to one host at once.");
        var processesCount = NumberOptions.OptionalWhole("--processes-count", 1, 1_024, "Pictures decoded and resized at once, at most one per processor (the processors).");
        var progress = new Option<string>("--progress") { Description = "auto (a live line on a terminal, a plain line every few seconds otherwise) | bars | plain | none.", DefaultValueFactory = _ => "auto" };
        progress.AcceptOnlyFromAmong("auto", "bars", "plain", "none");
        var queue = new Option<string?>("--queue") { Description = "redis://HOST:PORT/JOB: put the shards on a job's queue for haul workers (sharing INPUT and the output folder) instead of building them here." };
        var retryFailed = new Option<bool>("--retry-failed") { Description = "Fetch the failed samples of complete shards again and rewrite those shards (atomically)." };
        var command = new Command("dataset", "Build an image data set (img2dataset's layout) from URL lists with captions.")
        {
            input, outputFolder, inputFormat, urlCol, captionCol, additional, outputFormat, perShard, imageSize, resizeMode, onlyIfBigger,
            encodeFormat, encodeQuality, minImageSize, maxAspectRatio, disallowed, maxConcurrent, maxPerHost, processesCount, retryFailed, progress, queue,
        };
        var attemptFlags = new AttemptFlags();
        attemptFlags.AddTo(command);
        var requestFlags = new RequestFlags();
        requestFlags.AddTo(command);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            if (!DatasetInputOptions.TryParseFormat(parseResult.GetValue(inputFormat)!, out var format, out var gzip))
            {
                throw new UsageException("--input-format must be txt, csv, tsv, json, jsonl (each also .gz) or parquet.");
            }

            var inputOptions = new DatasetInputOptions
            {
                Format = format,
                Gzip = gzip,
                UrlColumn = parseResult.GetValue(urlCol)!,
                CaptionColumn = parseResult.GetValue(captionCol),
                AdditionalColumns = List(parseResult.GetValue(additional)),
            };
            var encode = parseResult.GetValue(encodeFormat) switch { "png" => DatasetEncodeFormat.Png, "webp" => DatasetEncodeFormat.Webp, _ => DatasetEncodeFormat.Jpg };
            var quality = parseResult.GetValue(encodeQuality) ?? (encode == DatasetEncodeFormat.Png ? 9 : 95);
            if (encode == DatasetEncodeFormat.Png ? quality > 9 : quality < 1)
            {
                throw new UsageException(encode == DatasetEncodeFormat.Png ? "--encode-quality for png is a compression level from 0 to 9." : "--encode-quality must be from 1 to 100.");
            }

            var ratio = parseResult.GetValue(maxAspectRatio) ?? double.PositiveInfinity;
            if (double.IsNaN(ratio) || ratio < 1)
            {
                throw new UsageException("--max-aspect-ratio must be 1 or more.");
            }

            var folder = ArgumentChecks.Directory(parseResult.GetValue(outputFolder)!);
            var engine = attemptFlags.Apply(parseResult, new DownloadOptions
            {
                Directory = folder,
                MaxConcurrent = parseResult.GetValue(maxConcurrent),
                MaxPerHost = parseResult.GetValue(maxPerHost),
            });
            engine = await requestFlags.ApplyAsync(parseResult, engine, io);
            var options = new DatasetRunOptions
            {
                OutputFolder = folder,
                OutputFormat = parseResult.GetValue(outputFormat) switch { "files" => DatasetOutputFormat.Files, "parquet" => DatasetOutputFormat.Parquet, _ => DatasetOutputFormat.Webdataset },
                SamplesPerShard = parseResult.GetValue(perShard),
                Image = new DatasetImageOptions
                {
                    ImageSize = parseResult.GetValue(imageSize),
                    ResizeMode = parseResult.GetValue(resizeMode) switch
                    {
                        "no" => DatasetResizeMode.No,
                        "keep_ratio" => DatasetResizeMode.KeepRatio,
                        "keep_ratio_largest" => DatasetResizeMode.KeepRatioLargest,
                        "center_crop" => DatasetResizeMode.CenterCrop,
                        _ => DatasetResizeMode.Border,
                    },
                    ResizeOnlyIfBigger = parseResult.GetValue(onlyIfBigger),
                    EncodeFormat = encode,
                    EncodeQuality = quality,
                    MinImageSize = parseResult.GetValue(minImageSize),
                    MaxAspectRatio = ratio,
                },
                Engine = engine,
                DisallowedHeaderDirectives = List(parseResult.GetValue(disallowed)),
                MaxConcurrentProcessing = Math.Min(parseResult.GetValue(processesCount) ?? Environment.ProcessorCount, Environment.ProcessorCount),
                RetryFailed = parseResult.GetValue(retryFailed),
            };

            if (parseResult.GetValue(queue) is { } job)
            {
                if (options.RetryFailed)
                {
                    throw new UsageException("--retry-failed runs here, on complete shards; it does not go with --queue.");
                }

                return await DatasetQueue.EnqueueAsync(parseResult.GetValue(input)!, inputOptions, options, job, io, cancellationToken);
            }

            return await RunAsync(parseResult.GetValue(input)!, inputOptions, options, parseResult.GetValue(progress)!, io, cancellationToken);
        });
        return command;
    }

    private static async Task<int> RunAsync(string input, DatasetInputOptions inputOptions, DatasetRunOptions options, string progress, CliIo io, CancellationToken cancellationToken)
    {
        var time = TimeProvider.System;
        var started = time.GetTimestamp();
        using var pipeline = new DatasetPipeline(options);
        var live = progress == "bars" || (progress == "auto" && io.ErrorIsTerminal);
        var view = new DatasetProgressView(pipeline.Progress.Snapshot, io.Error, time, TimeSpan.FromSeconds(5), live, io.Environment);
        pipeline.ShardDone += report =>
        {
            var retried = report.Retried > 0 ? $"{report.Retried} failed fetched again, " : string.Empty;
            var line = report.Stats is { } stats
                ? $"haul: shard {report.Name}: {retried}{Counts(stats.Count, stats.Successes, stats.ErrorKinds)}, {Rate(stats.Count, (stats.End - stats.Start).TotalSeconds)}"
                : $"haul: shard {report.Name}: already complete, skipped";
            view.WriteLine(line);
        };

        DatasetRunSummary summary;
        try
        {
            var run = pipeline.RunAsync(DatasetSource.ReadAsync(input, inputOptions, cancellationToken), cancellationToken);
            if (progress != "none")
            {
                await view.ShowWhileAsync(run);
            }

            summary = await run;
        }
        catch (Exception ex) when (ex is DatasetInputException or StorageException)
        {
            await io.Error.WriteLineAsync($"haul: {DisplayText.Safe(ex.Message)}");
            return ExitCodes.SomeFailed;
        }

        var seconds = time.GetElapsedTime(started).TotalSeconds;
        await io.Error.WriteLineAsync(
             $"haul: done: {summary.WrittenShards} shards written{(summary.RetriedShards > 0 ? $" ({summary.RetriedShards} rewritten with failed samples fetched again)" : string.Empty)}, {summary.SkippedShards} already complete; {Counts(summary.Samples, summary.Successes, summary.ErrorKinds)}, {Rate(summary.Samples, seconds)}");
        return ExitCodes.Success;
    }

    private static string Counts(int count, int successes, IReadOnlyDictionary<string, int> kinds)
    {
        var rate = count == 0 ? 0 : 100.0 * successes / count;
        var text = string.Create(CultureInfo.InvariantCulture, $"{count} samples, {successes} ok ({rate:0.0}%)");
        return kinds.Count == 0 ? text : text + ", failed: " + string.Join(", ", kinds.Select(k => string.Create(CultureInfo.InvariantCulture, $"{k.Key} {k.Value}")));
    }

    private static string Rate(int count, double seconds) =>
        string.Create(CultureInfo.InvariantCulture, $"{(seconds > 0 ? count / seconds : 0):0.0} samples/s");

    /// <summary>A comma-separated list; img2dataset's Python-list spelling (<c>["a","b"]</c>) is read too.</summary>
    private static string[] List(string? text) =>
        text is null ? [] : [.. text.Trim('[', ']', ' ').Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(item => item.Trim('"', '\'')).Where(item => item.Length > 0)];
}
