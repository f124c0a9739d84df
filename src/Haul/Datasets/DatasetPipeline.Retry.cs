namespace Haul.Datasets;

internal sealed partial class DatasetPipeline
{
    /// <summary>
    /// The failed samples of a complete shard, checked against the input; null when it has none.
    /// Only they are fetched again; the writer then rewrites the shard (see <see cref="OpenRetryAsync"/>).
    /// </summary>
    private async Task<RetryPlan?> RetryPlanAsync(DatasetShard shard, DatasetShardFiles files, CancellationToken cancellationToken)
    {
        var (rows, _) = await DatasetShardRow.ReadAsync(files.Parquet, withPictures: false, cancellationToken).ConfigureAwait(false);
        if (rows.Length != shard.Samples.Count)
        {
            throw Mismatch(files, $"it has {rows.Length} samples and the input {shard.Samples.Count}");
        }

        var failed = new List<int>();
        for (var i = 0; i < rows.Length; i++)
        {
            var key = DatasetKeys.Key(shard.Number, i, _options.SamplesPerShard);
            if (rows[i].Key != key || rows[i].Url != shard.Samples[i].Url)
            {
                throw Mismatch(files, $"its sample {rows[i].Key} is {rows[i].Url} where the input has {key}, {shard.Samples[i].Url}");
            }

            if (rows[i].Status != DatasetRecord.Success)
            {
                failed.Add(i);
            }
        }

        return failed.Count == 0 ? null : new RetryPlan(shard, [.. failed]);
    }

    /// <summary>
    /// Opens the rewrite of a retried shard: the old pictures of its successful samples are read back
    /// (one shard's at a time), and the new shard is staged in <c>OUT/.haul/retry/</c>, to be
    /// committed whole by <see cref="CompleteRetryAsync"/>.
    /// </summary>
    private async Task<OpenShard> OpenRetryAsync(ShardStart start, RetryPlan retry, CancellationToken cancellationToken)
    {
        var files = start.Files;
        var shard = retry.Shard;
        var withPictures = files.Format == DatasetOutputFormat.Parquet;
        var (rows, parquetPictures) = await DatasetShardRow.ReadAsync(files.Parquet, withPictures, cancellationToken).ConfigureAwait(false);
        if (rows.Length != shard.Samples.Count)
        {
            throw Mismatch(files, $"it has {rows.Length} samples and the input {shard.Samples.Count}");
        }

        var extension = DatasetShardWriter.Extension(_options.Image.EncodeFormat);
        var pictures = parquetPictures is null
            ? await MemberPicturesAsync(files, extension, cancellationToken).ConfigureAwait(false)
            : null;
        var failed = retry.Failed.ToHashSet();
        var kept = new DatasetRecord?[rows.Length];
        for (var i = 0; i < rows.Length; i++)
        {
            if (failed.Contains(i))
            {
                continue;
            }

            var row = rows[i];
            var bytes = parquetPictures is not null ? parquetPictures[i] : pictures!.GetValueOrDefault(row.Key);
            if (bytes is null || row.Width is not { } width || row.Height is not { } height)
            {
                throw Mismatch(files, $"its successful sample {row.Key} has no {extension} picture or no size");
            }

            var image = new ProcessedImage(bytes, width, height, row.OriginalWidth ?? width, row.OriginalHeight ?? height);
            kept[i] = new DatasetRecord(shard.Samples[i], row.Key, image, row.Sha256, null, Downloaded: true);
        }

        var staging = DatasetShardCommit.RetryFolder(_options.OutputFolder);
        Directory.CreateDirectory(staging);
        var staged = new DatasetShardFiles(staging, shard.Number, files.Format);
        staged.RemoveLeftovers();
        return new OpenShard(start, DatasetShardWriter.Create(staged, _options.Image.EncodeFormat), kept);
    }

    /// <summary>Writes the kept samples of a retried shard from where it has got up to (not including) <paramref name="end"/>.</summary>
    private static async Task AddKeptAsync(OpenShard open, int end, CancellationToken cancellationToken)
    {
        var kept = open.Kept!;
        for (; open.Next < end; open.Next++)
        {
            if (kept[open.Next] is { } record)
            {
                // Written, it is released: the writer keeps its row, not its picture.
                kept[open.Next] = null;
                await open.Writer.AddAsync(record, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>Finishes the staged rewrite of a retried shard and moves it in whole over the old one.</summary>
    private async Task<DatasetShardReport> CompleteRetryAsync(OpenShard open, DatasetRunSummary summary, CancellationToken cancellationToken)
    {
        var files = open.Start.Files;
        DatasetShardStats stats;
        await using (open.Writer.ConfigureAwait(false))
        {
            await AddKeptAsync(open, open.Kept!.Length, cancellationToken).ConfigureAwait(false);
            stats = DatasetShardStats.For(open.Writer.Rows, open.Start.Time, _time.GetUtcNow());
            await open.Writer.CompleteAsync(stats, cancellationToken).ConfigureAwait(false);
        }

        var staging = DatasetShardCommit.RetryFolder(_options.OutputFolder);
        var staged = new DatasetShardFiles(staging, open.Start.Retry!.Shard.Number, files.Format);
        await DatasetShardCommit.CommitAsync(staged, files, replace: true, _time, cancellationToken).ConfigureAwait(false);

        // One shard is staged at a time: once it is in, nothing is left to recover.
        Directory.Delete(staging, recursive: true);
        summary.Add(stats);
        summary.RetriedShards++;
        Progress.ShardFinished();
        return new DatasetShardReport(files.Name, Skipped: false, stats) { Retried = open.Start.Retry!.Failed.Length };
    }

    /// <summary>The pictures of a webdataset or files shard by key; a picture written in another format than asked is refused.</summary>
    private static async Task<Dictionary<string, byte[]>> MemberPicturesAsync(DatasetShardFiles files, string extension, CancellationToken cancellationToken)
    {
        var members = files.Format == DatasetOutputFormat.Webdataset
            ? DatasetReader.TarMembersAsync(files.Data!, cancellationToken)
            : DatasetReader.FolderMembersAsync(files.Data!, cancellationToken);
        var pictures = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        await foreach (var (name, content) in members.ConfigureAwait(false))
        {
            var file = Path.GetFileName(name);
            var dot = file.IndexOf('.', StringComparison.Ordinal);
            var memberExtension = dot < 0 ? string.Empty : file[(dot + 1)..];
            if (memberExtension is "txt" or "json")
            {
                continue;
            }

            if (memberExtension != extension)
            {
                throw new DatasetInputException(files.Data!, $"The shard {files.Data} holds {file}; --retry-failed rewrites it with the options it was built with (here --encode-format {memberExtension}).");
            }

            pictures[file[..dot]] = content;
        }

        return pictures;
    }

    private static DatasetInputException Mismatch(DatasetShardFiles files, string detail) =>
        new(files.Parquet, $"The shard {files.Name} does not match the input ({detail}); --retry-failed needs the input and --number-sample-per-shard the shard was built from.");

    /// <summary>A complete shard whose failed samples are fetched again: its input rows, and the indices of the failed ones, in order.</summary>
    private sealed record RetryPlan(DatasetShard Shard, int[] Failed);
}
