namespace Haul.Datasets;

internal sealed partial class DatasetPipeline
{
    /// <summary>
    /// Fetches the failed samples of a complete shard again and rewrites it: the old pictures of its
    /// successful samples (read back from the shard) with the new ones, in key order, staged in
    /// <c>OUT/.haul/retry/</c> and committed whole. Returns false when the shard has no failed sample.
    /// </summary>
    private async Task<bool> RetryFailedAsync(DatasetShard shard, DatasetShardFiles files, DatasetRunSummary summary, CancellationToken cancellationToken)
    {
        var start = _time.GetUtcNow();
        var withPictures = files.Format == DatasetOutputFormat.Parquet;
        var (rows, parquetPictures) = await DatasetShardRow.ReadAsync(files.Parquet, withPictures, cancellationToken).ConfigureAwait(false);
        if (rows.Length != shard.Samples.Count)
        {
            throw Mismatch(files, $"it has {rows.Length} samples and the input {shard.Samples.Count}");
        }

        var failed = new HashSet<int>();
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

        if (failed.Count == 0)
        {
            return false;
        }

        var extension = DatasetShardWriter.Extension(_options.Image.EncodeFormat);
        var pictures = parquetPictures is null
            ? await MemberPicturesAsync(files, extension, cancellationToken).ConfigureAwait(false)
            : null;
        Progress.ShardStarted(files.Name);
        var records = await BuildAsync(shard, cancellationToken, failed).ConfigureAwait(false);
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
            records[i] = new DatasetRecord(shard.Samples[i], row.Key, image, row.Sha256, null, Downloaded: true);
        }

        var stats = DatasetShardStats.For(records, start, _time.GetUtcNow());
        var staging = DatasetShardCommit.RetryFolder(_options.OutputFolder);
        Directory.CreateDirectory(staging);
        var staged = new DatasetShardFiles(staging, shard.Number, files.Format);
        staged.RemoveLeftovers();
        await DatasetShardWriter.WriteAsync(staged, records, _options.Image.EncodeFormat, stats, cancellationToken).ConfigureAwait(false);
        await DatasetShardCommit.CommitAsync(staged, files, replace: true, _time, cancellationToken).ConfigureAwait(false);

        // One shard is staged at a time: once it is in, nothing is left to recover.
        Directory.Delete(staging, recursive: true);
        summary.Add(stats);
        summary.RetriedShards++;
        Progress.ShardFinished();
        ShardDone?.Invoke(new DatasetShardReport(files.Name, Skipped: false, stats) { Retried = failed.Count });
        return true;
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
}
