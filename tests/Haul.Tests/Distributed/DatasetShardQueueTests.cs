using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using Haul.Tests.Cli;
using Haul.Tests.Datasets;
using Haul.Tests.EndToEnd;
using Parquet;

namespace Haul.Tests.Distributed;

/// <summary><c>haul dataset --queue</c> puts shards on a job; real <c>haul worker</c> processes build them.</summary>
public sealed class DatasetShardQueueTests
{
    [Fact]
    public async Task Workers_DatasetShardsFromTheQueue_SameShardsAsOneLocalRunAndCompleteShardsSkipped()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        // Fourteen samples, shards of three: five shards; every fifth sample is a 404.
        var lines = new List<string> { "url,caption,licence" };
        for (var i = 0; i < 14; i++)
        {
            if (i % 5 != 2)
            {
                server.MapFile($"/p{i}.jpg", TestImages.Solid(30 + i, 20 + (i % 3), ".jpg", 15 * i, 80, 200 - (10 * i)));
            }

            lines.Add($"{server.Url($"/p{i}.jpg")},\"picture {i}, with a comma\",cc-{i}");
        }

        var csv = Path.Combine(temp.Root, "photos.csv");
        await File.WriteAllLinesAsync(csv, lines, TestContext.Current.CancellationToken);
        var local = Path.Combine(temp.Root, "local");
        var shared = Path.Combine(temp.Root, "shared");
        string[] common = ["--input-format", "csv", "--caption-col", "caption", "--save-additional-columns", "licence", "--number-sample-per-shard", "3",
            "--image-size", "24", "--resize-mode", "keep_ratio", "--retries", "0", "--progress", "none"];

        var alone = await CliRun.RunAsync(["dataset", csv, "-d", local, .. common]);
        alone.ExitCode.ShouldBe(0, alone.Error);
        var job = new JobProbe(redis, "shards");
        var enqueue = await CliRun.RunAsync(["dataset", csv, "-d", shared, .. common, "--queue", job.Address]);
        enqueue.ExitCode.ShouldBe(0, enqueue.Error);
        enqueue.Error.ShouldContain("5 shards enqueued, 0 already in the job");
        ShardFiles(shared).ShouldBeEmpty("enqueueing builds nothing");
        var hits = Enumerable.Range(0, 14).Sum(i => server.Hits($"/p{i}.jpg"));

        await RunWorkersAsync(job.Address, temp.Root, "first");

        Enumerable.Range(0, 14).Sum(i => server.Hits($"/p{i}.jpg")).ShouldBe(2 * hits, "each picture fetched once by the workers");
        ShardFiles(shared).ShouldBe(ShardFiles(local));
        ShardFiles(shared).Count(name => name.EndsWith(".tar", StringComparison.Ordinal)).ShouldBe(5);
        foreach (var name in ShardFiles(local))
        {
            if (name.EndsWith(".tar", StringComparison.Ordinal))
            {
                TarMembers(Path.Combine(shared, name)).ShouldBe(TarMembers(Path.Combine(local, name)), name);
            }
            else if (name.EndsWith(".parquet", StringComparison.Ordinal))
            {
                (await ParquetRowsAsync(Path.Combine(shared, name))).ShouldBe(await ParquetRowsAsync(Path.Combine(local, name)), name);
            }
            else
            {
                Counts(Path.Combine(shared, name)).ShouldBe(Counts(Path.Combine(local, name)), name);
            }
        }

        var results = await job.ResultsAsync();
        results.Count.ShouldBe(5);
        results.ShouldAllBe(result => result.GetProperty("status").GetString() == "ok");
        (await job.QueueLengthAsync()).ShouldBe(0);
        Directory.EnumerateFileSystemEntries(Path.Combine(shared, ".haul", "staging")).ShouldBeEmpty();

        // The same shards again, in a new job: every one is complete, so nothing is fetched or rewritten.
        var tars = ShardFiles(shared).Where(n => n.EndsWith(".tar", StringComparison.Ordinal)).Select(n => Sha(File.ReadAllBytes(Path.Combine(shared, n)))).ToList();
        var again = new JobProbe(redis, "again");
        (await CliRun.RunAsync(["dataset", csv, "-d", shared, .. common, "--queue", again.Address])).ExitCode.ShouldBe(0);
        var before = Enumerable.Range(0, 14).Sum(i => server.Hits($"/p{i}.jpg"));

        await RunWorkersAsync(again.Address, temp.Root, "second");

        Enumerable.Range(0, 14).Sum(i => server.Hits($"/p{i}.jpg")).ShouldBe(before);
        (await again.ResultsAsync()).Select(r => r.GetProperty("status").GetString()).ShouldBe(Enumerable.Repeat("skipped", 5));
        ShardFiles(shared).Where(n => n.EndsWith(".tar", StringComparison.Ordinal)).Select(n => Sha(File.ReadAllBytes(Path.Combine(shared, n)))).ShouldBe(tars);
    }

    [Fact]
    public async Task Worker_ShardEntryForAFolderOrInputTheJobDidNotPrepare_RefusedAndNothingWritten()
    {
        await using var redis = await RedisServer.StartAsync();
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/p.jpg", TestImages.Solid(20, 20, ".jpg", 1, 2, 3));
        using var temp = new TempDirectory();
        var csv = Path.Combine(temp.Root, "photos.csv");
        await File.WriteAllLinesAsync(csv, ["url", server.Url("/p.jpg")], TestContext.Current.CancellationToken);
        var other = Path.Combine(temp.Root, "other.csv");
        File.Copy(csv, other);
        var prepared = Path.Combine(temp.Root, "prepared");
        var job = new JobProbe(redis, "forged");
        var enqueue = await CliRun.RunAsync("dataset", csv, "--input-format", "csv", "-d", prepared, "--queue", job.Address);
        enqueue.ExitCode.ShouldBe(0, enqueue.Error);
        var victim = Path.Combine(temp.Root, "victim");
        Directory.CreateDirectory(victim);
        var inputOptions = new Haul.Datasets.DatasetInputOptions { Format = Haul.Datasets.DatasetInputFormat.Csv };
        var shard = new Haul.Datasets.DatasetShard(7, [new Haul.Datasets.DatasetSample(0, 0, server.Url("/p.jpg"), null, [])]);
        Haul.Distributed.QueueEntry[] forged =
        [
            Haul.Distributed.QueueEntry.FromShard(Haul.Datasets.DatasetShardTask.For(shard, csv, inputOptions, new Haul.Datasets.DatasetRunOptions { OutputFolder = victim })),
            Haul.Distributed.QueueEntry.FromShard(Haul.Datasets.DatasetShardTask.For(shard, other, inputOptions, new Haul.Datasets.DatasetRunOptions { OutputFolder = prepared })),
        ];
        foreach (var entry in forged)
        {
            await redis.Database.StreamAddAsync($"haul:{{forged}}:queue", "e", entry.ToJson());
        }

        await RunWorkersAsync(job.Address, temp.Root, "forged", count: 1, exitCode: 1);

        var results = await job.ResultsAsync();
        results.Count.ShouldBe(3);
        results.Count(r => r.GetProperty("status").GetString() == "ok").ShouldBe(1);
        var refused = results.Where(r => r.GetProperty("status").GetString() == "failed").ToList();
        refused.Count.ShouldBe(2);
        refused.ShouldAllBe(r => r.GetProperty("error").GetProperty("kind").GetString() == "scope");
        Directory.EnumerateFileSystemEntries(victim).ShouldBeEmpty();
        ShardFiles(prepared).ShouldBe(["00000.parquet", "00000.tar", "00000_stats.json"]);
        server.Hits("/p.jpg").ShouldBe(1);
    }

    private static async Task RunWorkersAsync(string address, string root, string round, int count = 2, int exitCode = 0)
    {
        var workers = Enumerable.Range(1, count)
            .Select(i => HaulProcess.Start("worker", address, "-d", Path.Combine(root, $"{round}-w{i}"), "--name", $"w{i}", "-q"))
            .ToList();
        try
        {
            foreach (var worker in workers)
            {
                (await worker.WaitForExitAsync()).ShouldBe(exitCode, worker.Error);
            }
        }
        finally
        {
            foreach (var worker in workers)
            {
                worker.Dispose();
            }
        }
    }

    /// <summary>The shard files of a data set folder, sorted; the .haul folder is not one.</summary>
    private static List<string> ShardFiles(string folder) =>
        [.. Directory.EnumerateFiles(folder).Select(path => Path.GetFileName(path)).Order(StringComparer.Ordinal)];

    private static List<string> TarMembers(string path)
    {
        var members = new List<string>();
        using var stream = File.OpenRead(path);
        using var tar = new TarReader(stream);
        while (tar.GetNextEntry() is { } entry)
        {
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            members.Add($"{entry.Name} {Sha(content.ToArray())}");
        }

        return members;
    }

    private static async Task<List<string>> ParquetRowsAsync(string path)
    {
        await using var stream = File.OpenRead(path);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: TestContext.Current.CancellationToken);
        using var group = reader.OpenRowGroupReader(0);
        var columns = new List<string?[]>();
        foreach (var field in reader.Schema.GetDataFields())
        {
            if (field.ClrType == typeof(int))
            {
                var sizes = new int?[group.RowCount];
                await group.ReadAsync(field, sizes.AsMemory(), null, TestContext.Current.CancellationToken);
                columns.Add([.. sizes.Select(size => size?.ToString(System.Globalization.CultureInfo.InvariantCulture))]);
            }
            else
            {
                var values = new string?[group.RowCount];
                await group.ReadAsync(field, values.AsMemory()!, null, TestContext.Current.CancellationToken);
                columns.Add(values);
            }
        }

        return [.. Enumerable.Range(0, (int)group.RowCount).Select(row => string.Join(" | ", columns.Select(column => column[row] ?? "null")))];
    }

    /// <summary>A stats file's counts, without its times.</summary>
    private static string Counts(string path)
    {
        using var stats = JsonDocument.Parse(File.ReadAllBytes(path));
        var root = stats.RootElement;
        return $"{root.GetProperty("count")} {root.GetProperty("successes")} {root.GetProperty("failed_to_download")} {root.GetProperty("failed_to_resize")} {root.GetProperty("error_kinds")}";
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
