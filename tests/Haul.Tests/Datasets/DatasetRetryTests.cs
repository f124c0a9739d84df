using System.Text;
using System.Text.Json;
using Haul.Datasets;
using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;
using Parquet;

using static Haul.Tests.Datasets.DatasetOutput;

namespace Haul.Tests.Datasets;

public sealed class DatasetRetryTests
{
    private static readonly byte[] A = TestImages.Solid(40, 20, ".jpg", 200, 30, 30);
    private static readonly byte[] B = TestImages.Solid(30, 30, ".jpg", 30, 200, 30);
    private static readonly byte[] C = TestImages.Solid(20, 40, ".png", 30, 30, 200);
    private static readonly byte[] D = TestImages.Solid(50, 10, ".jpg", 90, 90, 90);
    private static readonly byte[] E = TestImages.Solid(10, 10, ".jpg", 10, 20, 30);
    private static readonly byte[] F = TestImages.Solid(12, 24, ".png", 250, 250, 0);
    private static readonly byte[] G = TestImages.Solid(16, 16, ".jpg", 0, 0, 0);
    private static readonly byte[] Corrupt = Encoding.ASCII.GetBytes("not a picture yet");

    [Fact]
    public async Task RunAsync_RetryFailed_OnlyFailedSamplesFetchedAndShardsRewrittenInKeyOrder()
    {
        var site = await Site.StartAsync();
        await using var server = site.Server;
        using var temp = new TempDirectory();
        var first = await RunAsync(temp.Out, DatasetOutputFormat.Webdataset, site.Samples(), retryFailed: false);
        first.Successes.ShouldBe(4);
        var shard0Before = ReadTar(Path.Combine(temp.Out, "00000.tar"));
        shard0Before.Select(m => m.Name).ShouldBe(["000000.jpg", "000000.txt", "000000.json", "000002.jpg", "000002.txt", "000002.json"]);
        var shard2Tar = Sha(File.ReadAllBytes(Path.Combine(temp.Out, "00002.tar")));
        var shard2Stats = Sha(File.ReadAllBytes(Path.Combine(temp.Out, "00002_stats.json")));
        site.Healed = true;

        var summary = await RunAsync(temp.Out, DatasetOutputFormat.Webdataset, site.Samples(), retryFailed: true);

        summary.RetriedShards.ShouldBe(2);
        summary.WrittenShards.ShouldBe(2);
        summary.SkippedShards.ShouldBe(1);
        summary.Samples.ShouldBe(7);
        summary.Successes.ShouldBe(6);
        foreach (var once in new[] { "/a.jpg", "/c.png", "/e.jpg", "/g.jpg" })
        {
            server.Hits(once).ShouldBe(1, once);
        }

        foreach (var twice in new[] { "/b.jpg", "/d.jpg", "/gone", "/f.png" })
        {
            server.Hits(twice).ShouldBe(2, twice);
        }

        var shard0 = ReadTar(Path.Combine(temp.Out, "00000.tar"));
        shard0.Select(m => m.Name).ShouldBe(["000000.jpg", "000000.txt", "000000.json", "000001.jpg", "000001.txt", "000001.json", "000002.jpg", "000002.txt", "000002.json", "000003.jpg", "000003.txt", "000003.json"]);
        // The old successes are the old members, byte for byte.
        for (var i = 0; i < 3; i++)
        {
            Sha(shard0[i].Content).ShouldBe(Sha(shard0Before[i].Content));
            Sha(shard0[6 + i].Content).ShouldBe(Sha(shard0Before[3 + i].Content));
        }

        Size(shard0[3].Content).ShouldBe((16, 16));
        Size(shard0[9].Content).ShouldBe((16, 3));
        Encoding.UTF8.GetString(shard0[4].Content).ShouldBe("caption 1");
        using (var json = JsonDocument.Parse(shard0[5].Content))
        {
            json.RootElement.GetProperty("sha256").GetString().ShouldBe(Sha(B));
            json.RootElement.GetProperty("status").GetString().ShouldBe("success");
            json.RootElement.GetProperty("url").GetString().ShouldBe(server.Url("/b.jpg"));
            json.RootElement.GetProperty("licence").GetString().ShouldBe("cc-1");
        }

        var shard1 = ReadTar(Path.Combine(temp.Out, "00001.tar"));
        shard1.Select(m => m.Name).ShouldBe(["000010.jpg", "000010.txt", "000010.json", "000012.jpg", "000012.txt", "000012.json"]);
        Size(shard1[3].Content).ShouldBe((8, 16));
        var rows = await ReadParquetAsync(Path.Combine(temp.Out, "00001.parquet"));
        rows["key"].ShouldBe(["000010", "000011", "000012"]);
        rows["status"].ShouldBe(["success", "failed_to_download", "success"]);
        rows["error_message"][1]!.ShouldContain("404");
        rows["sha256"][2].ShouldBe(Sha(F));
        using (var stats = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(temp.Out, "00001_stats.json"))))
        {
            stats.RootElement.GetProperty("count").GetInt32().ShouldBe(3);
            stats.RootElement.GetProperty("successes").GetInt32().ShouldBe(2);
            stats.RootElement.GetProperty("failed_to_download").GetInt32().ShouldBe(1);
            stats.RootElement.GetProperty("failed_to_resize").GetInt32().ShouldBe(0);
            stats.RootElement.GetProperty("error_kinds").EnumerateObject().Select(p => (p.Name, p.Value.GetInt32())).ShouldBe([("http", 1)]);
        }

        Sha(File.ReadAllBytes(Path.Combine(temp.Out, "00002.tar"))).ShouldBe(shard2Tar);
        Sha(File.ReadAllBytes(Path.Combine(temp.Out, "00002_stats.json"))).ShouldBe(shard2Stats);
        Directory.Exists(DatasetShardCommit.RetryFolder(temp.Out)).ShouldBeFalse();
        Directory.EnumerateFiles(temp.Out, "*.tmp").ShouldBeEmpty();
    }

    [Theory]
    [InlineData(DatasetOutputFormat.Files)]
    [InlineData(DatasetOutputFormat.Parquet)]
    public async Task RunAsync_RetryFailedFilesAndParquet_OldPicturesKeptNewOnesAdded(DatasetOutputFormat format)
    {
        var site = await Site.StartAsync();
        await using var server = site.Server;
        using var temp = new TempDirectory();
        await RunAsync(temp.Out, format, site.Samples(), retryFailed: false);
        var before = await PicturesAsync(temp.Out, format, "00000");
        before.Keys.ShouldBe(["000000", "000002"]);
        site.Healed = true;

        await RunAsync(temp.Out, format, site.Samples(), retryFailed: true);

        var after = await PicturesAsync(temp.Out, format, "00000");
        after.Keys.ShouldBe(["000000", "000001", "000002", "000003"]);
        Sha(after["000000"]).ShouldBe(Sha(before["000000"]));
        Sha(after["000002"]).ShouldBe(Sha(before["000002"]));
        Size(after["000001"]).ShouldBe((16, 16));
        (await PicturesAsync(temp.Out, format, "00001")).Keys.ShouldBe(["000010", "000012"]);
    }

    [Fact]
    public async Task Dataset_RetryFailedFlag_OnlyTheFailedSampleFetchedAgainAndTheShardRewritten()
    {
        var site = await Site.StartAsync();
        await using var server = site.Server;
        using var temp = new TempDirectory();
        var list = Path.Combine(temp.Root, "urls.txt");
        await File.WriteAllLinesAsync(list, [server.Url("/a.jpg"), server.Url("/b.jpg"), server.Url("/c.png")], TestContext.Current.CancellationToken);
        string[] args = ["dataset", list, "-d", temp.Out, "--number-sample-per-shard", "4", "--image-size", "16", "--resize-mode", "keep_ratio_largest", "--retries", "0", "--progress", "none"];
        var first = await CliRun.RunAsync(args);
        first.ExitCode.ShouldBe(0, first.Error);
        var before = ReadTar(Path.Combine(temp.Out, "00000.tar"));
        before.Select(m => m.Name).ShouldBe(["000000.jpg", "000000.json", "000002.jpg", "000002.json"]);
        site.Healed = true;

        var retry = await CliRun.RunAsync([.. args, "--retry-failed"]);

        retry.ExitCode.ShouldBe(0, retry.Error);
        retry.Error.ShouldContain("haul: shard 00000: 1 failed fetched again, 3 samples, 3 ok (100.0%)");
        retry.Error.ShouldContain("1 shards written (1 rewritten with failed samples fetched again), 0 already complete");
        server.Hits("/a.jpg").ShouldBe(1);
        server.Hits("/b.jpg").ShouldBe(2);
        server.Hits("/c.png").ShouldBe(1);
        var after = ReadTar(Path.Combine(temp.Out, "00000.tar"));
        after.Select(m => m.Name).ShouldBe(["000000.jpg", "000000.json", "000001.jpg", "000001.json", "000002.jpg", "000002.json"]);
        after.Where(m => m.Name.StartsWith("000000", StringComparison.Ordinal) || m.Name.StartsWith("000002", StringComparison.Ordinal)).Select(m => Sha(m.Content))
            .ShouldBe(before.Select(m => Sha(m.Content)));
        using (var json = JsonDocument.Parse(after[3].Content))
        {
            json.RootElement.GetProperty("sha256").GetString().ShouldBe(Sha(B));
        }

        var again = await CliRun.RunAsync([.. args, "--retry-failed"]);
        again.Error.ShouldContain("haul: shard 00000: already complete, skipped");
        server.Hits("/b.jpg").ShouldBe(2);
    }

    [Fact]
    public async Task Dataset_RetryFailedKilledMidShard_OldShardIntactAndTheNextRetryFinishes()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        server.MapFile("/a.jpg", A);
        var healed = false;
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Map("/b.jpg", async (context, hit) =>
        {
            if (!Volatile.Read(ref healed))
            {
                context.Response.StatusCode = 404;
                return;
            }

            if (hit == 2)
            {
                // The retry's request: held until the process is killed.
                held.TrySetResult();
                await release.Task;
                return;
            }

            await server.ServeAsync(context, B);
        });
        var list = Path.Combine(temp.Root, "urls.txt");
        await File.WriteAllLinesAsync(list, [server.Url("/a.jpg"), server.Url("/b.jpg")], TestContext.Current.CancellationToken);
        string[] args = ["dataset", list, "-d", temp.Out, "--number-sample-per-shard", "4", "--image-size", "16", "--retries", "0", "--progress", "none"];
        (await CliRun.RunAsync(args)).ExitCode.ShouldBe(0);
        var before = Snapshot(temp.Out, "00000");
        var beforeMembers = ReadTar(Path.Combine(temp.Out, "00000.tar"));
        beforeMembers.Select(m => m.Name).ShouldBe(["000000.jpg", "000000.json"]);
        Volatile.Write(ref healed, true);

        using (var killed = HaulProcess.Start([.. args, "--retry-failed"]))
        {
            await held.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            killed.KillHard();
            await killed.WaitForExitAsync();
        }

        release.TrySetResult();
        Snapshot(temp.Out, "00000").ShouldBe(before);

        var retry = await CliRun.RunAsync([.. args, "--retry-failed"]);

        retry.ExitCode.ShouldBe(0, retry.Error);
        var after = ReadTar(Path.Combine(temp.Out, "00000.tar"));
        after.Select(m => m.Name).ShouldBe(["000000.jpg", "000000.json", "000001.jpg", "000001.json"]);
        Sha(after[0].Content).ShouldBe(Sha(beforeMembers[0].Content));
        Sha(after[1].Content).ShouldBe(Sha(beforeMembers[1].Content));
        using (var json = JsonDocument.Parse(after[3].Content))
        {
            json.RootElement.GetProperty("sha256").GetString().ShouldBe(Sha(B));
        }

        Directory.Exists(DatasetShardCommit.RetryFolder(temp.Out)).ShouldBeFalse();
        server.Hits("/b.jpg").ShouldBe(3);
    }

    [Fact]
    public async Task RunAsync_RetryKilledWhileStaging_OldShardIntactAndStagingDropped()
    {
        var site = await Site.StartAsync();
        await using var server = site.Server;
        using var temp = new TempDirectory();
        await RunAsync(temp.Out, DatasetOutputFormat.Webdataset, site.Samples(), retryFailed: false);
        var before = Snapshot(temp.Out, "00000");
        // A rewrite killed while its tar was being written: only temporaries staged.
        var staging = DatasetShardCommit.RetryFolder(temp.Out);
        Directory.CreateDirectory(staging);
        File.WriteAllBytes(Path.Combine(staging, "00000.tar.tmp"), [1, 2, 3]);
        var requests = server.Requests.Count;

        var summary = await RunAsync(temp.Out, DatasetOutputFormat.Webdataset, site.Samples(), retryFailed: false);

        summary.SkippedShards.ShouldBe(3);
        server.Requests.Count.ShouldBe(requests);
        Snapshot(temp.Out, "00000").ShouldBe(before);
        Directory.Exists(staging).ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_RetryKilledWhileCommitting_NextRunFinishesTheRewrite()
    {
        var site = await Site.StartAsync();
        await using var server = site.Server;
        using var temp = new TempDirectory();
        var killed = temp.Out;
        var whole = Path.Combine(temp.Root, "whole");
        await RunAsync(killed, DatasetOutputFormat.Webdataset, site.Samples(), retryFailed: false);
        CopyFolder(killed, whole);
        site.Healed = true;
        await RunAsync(whole, DatasetOutputFormat.Webdataset, site.Samples(), retryFailed: true);
        var rewritten = Snapshot(whole, "00000");
        // The same rewrite killed in its commit: staged whole, the old stats gone, the new tar already moved in.
        var staging = DatasetShardCommit.RetryFolder(killed);
        Directory.CreateDirectory(staging);
        foreach (var name in new[] { "00000.parquet", "00000_stats.json" })
        {
            File.Copy(Path.Combine(whole, name), Path.Combine(staging, name));
        }

        File.Delete(Path.Combine(killed, "00000_stats.json"));
        File.Copy(Path.Combine(whole, "00000.tar"), Path.Combine(killed, "00000.tar"), overwrite: true);
        var requests = server.Requests.Count;

        var summary = await RunAsync(killed, DatasetOutputFormat.Webdataset, site.Samples().Take(4).ToList(), retryFailed: false);

        summary.SkippedShards.ShouldBe(1);
        server.Requests.Count.ShouldBe(requests);
        Snapshot(killed, "00000").ShouldBe(rewritten);
        Directory.Exists(staging).ShouldBeFalse();
    }

    [Fact]
    public async Task RunAsync_RetryFailedWithAnotherInput_RefusedAndShardKept()
    {
        var site = await Site.StartAsync();
        await using var server = site.Server;
        using var temp = new TempDirectory();
        await RunAsync(temp.Out, DatasetOutputFormat.Webdataset, site.Samples(), retryFailed: false);
        var before = Snapshot(temp.Out, "00000");
        var other = site.Samples();
        other[1] = other[1] with { Url = server.Url("/elsewhere.jpg") };

        var ex = await Should.ThrowAsync<DatasetInputException>(() => RunAsync(temp.Out, DatasetOutputFormat.Webdataset, other, retryFailed: true));

        ex.Message.ShouldContain("does not match the input");
        server.Hits("/elsewhere.jpg").ShouldBe(0);
        Snapshot(temp.Out, "00000").ShouldBe(before);
    }

    [Fact]
    public async Task RunAsync_RetryFailedShardBeforeNewShards_NewShardsFetchedMeanwhileAndReportedInShardOrder()
    {
        var site = await Site.StartAsync();
        await using var server = site.Server;
        using var temp = new TempDirectory();
        await RunAsync(temp.Out, DatasetOutputFormat.Webdataset, site.Samples().Take(4).ToList(), retryFailed: false);
        var before = ReadTar(Path.Combine(temp.Out, "00000.tar"));
        site.Healed = true;
        var fresh = Path.Combine(temp.Root, "fresh");
        await RunAsync(fresh, DatasetOutputFormat.Webdataset, site.Samples(), retryFailed: false);
        // The retried /b.jpg of shard 0 answers only once shard 2's /g.jpg has been asked for.
        var gAsked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        site.HoldB = gAsked.Task;
        site.OnG = () => gAsked.TrySetResult();
        var hits = new[] { "/a.jpg", "/c.png" }.ToDictionary(path => path, server.Hits);
        var reports = new List<DatasetShardReport>();

        var summary = await RunAsync(temp.Out, DatasetOutputFormat.Webdataset, site.Samples(), retryFailed: true, reports);

        reports.Select(r => (r.Name, r.Skipped, r.Retried)).ShouldBe([("00000", false, 2), ("00001", false, 0), ("00002", false, 0)]);
        summary.RetriedShards.ShouldBe(1);
        summary.WrittenShards.ShouldBe(3);
        foreach (var (path, count) in hits)
        {
            server.Hits(path).ShouldBe(count, path);
        }

        var shard0 = ReadTar(Path.Combine(temp.Out, "00000.tar"));
        shard0.Select(m => m.Name).ShouldBe(ReadTar(Path.Combine(fresh, "00000.tar")).Select(m => m.Name));
        Sha(shard0[0].Content).ShouldBe(Sha(before[0].Content));
        Sha(shard0[6].Content).ShouldBe(Sha(before[3].Content));
        foreach (var shard in new[] { "00000", "00001", "00002" })
        {
            Pictures(ReadTar(Path.Combine(temp.Out, shard + ".tar"))).ShouldBe(Pictures(ReadTar(Path.Combine(fresh, shard + ".tar"))), shard);
        }

        Directory.Exists(DatasetShardCommit.RetryFolder(temp.Out)).ShouldBeFalse();
    }

    /// <summary>
    /// Eight samples in three input files, at most four per shard: shard 0 (a, b 404 then ok, c, d 500 then ok),
    /// shard 1 (e, always 404, f undecodable then ok), shard 2 (g). Retries are off, so the first run fails each once.
    /// </summary>
    private sealed class Site
    {
        public required LoopbackServer Server { get; init; }

        public volatile bool Healed;

        /// <summary>What /b.jpg waits for before it answers.</summary>
        public Task HoldB { get; set; } = Task.CompletedTask;

        /// <summary>Called when /g.jpg is asked for.</summary>
        public Action OnG { get; set; } = () => { };

        public static async Task<Site> StartAsync()
        {
            var server = await LoopbackServer.StartAsync();
            var site = new Site { Server = server };
            server.MapFile("/a.jpg", A);
            server.MapFile("/c.png", C);
            server.MapFile("/e.jpg", E);
            server.Map("/g.jpg", (context, _) =>
            {
                site.OnG();
                return server.ServeAsync(context, G);
            });
            server.Map("/b.jpg", async (context, _) =>
            {
                try
                {
                    await site.HoldB.WaitAsync(TimeSpan.FromMinutes(2), context.RequestAborted);
                }
                catch (TimeoutException)
                {
                    // Never released: the sample fails, and a test that holds it sees so.
                    await Status(context, 503);
                    return;
                }

                await (site.Healed ? server.ServeAsync(context, B) : Status(context, 404));
            });
            server.Map("/d.jpg", (context, _) => site.Healed ? server.ServeAsync(context, D) : Status(context, 500));
            server.Map("/f.png", (context, _) => server.ServeAsync(context, site.Healed ? F : Corrupt, site.Healed ? "\"v2\"" : "\"v1\""));
            server.Map("/gone", (context, _) => Status(context, 404));
            return site;
        }

        public List<DatasetSample> Samples()
        {
            (int File, string Path)[] inputs = [(0, "/a.jpg"), (0, "/b.jpg"), (0, "/c.png"), (0, "/d.jpg"), (1, "/e.jpg"), (1, "/gone"), (1, "/f.png"), (2, "/g.jpg")];
            return [.. inputs.Select((input, i) => new DatasetSample(input.File, i, Server.Url(input.Path), $"caption {i}", [new("licence", $"cc-{i}")]))];
        }

        private static Task Status(HttpContext context, int status)
        {
            context.Response.StatusCode = status;
            return Task.CompletedTask;
        }
    }

    private static async Task<DatasetRunSummary> RunAsync(string folder, DatasetOutputFormat format, IReadOnlyList<DatasetSample> samples, bool retryFailed, List<DatasetShardReport>? reports = null)
    {
        var options = new DatasetRunOptions
        {
            OutputFolder = folder,
            OutputFormat = format,
            SamplesPerShard = 4,
            Image = new DatasetImageOptions { ImageSize = 16, ResizeMode = DatasetResizeMode.KeepRatioLargest },
            Engine = DownloaderHarness.Options(folder) with { MaxConcurrent = 4, Retries = 0 },
            RetryFailed = retryFailed,
        };
        using var pipeline = new DatasetPipeline(options);
        pipeline.ShardDone += report => reports?.Add(report);
        return await pipeline.RunAsync(samples.ToAsyncEnumerable(), TestContext.Current.CancellationToken);
    }

    private static async Task<SortedDictionary<string, byte[]>> PicturesAsync(string folder, DatasetOutputFormat format, string shard)
    {
        var pictures = new SortedDictionary<string, byte[]>(StringComparer.Ordinal);
        if (format == DatasetOutputFormat.Files)
        {
            foreach (var file in Directory.EnumerateFiles(Path.Combine(folder, shard), "*.jpg"))
            {
                pictures[Path.GetFileNameWithoutExtension(file)] = File.ReadAllBytes(file);
            }

            return pictures;
        }

        await using var stream = File.OpenRead(Path.Combine(folder, shard + ".parquet"));
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: TestContext.Current.CancellationToken);
        using var group = reader.OpenRowGroupReader(0);
        var fields = reader.Schema.GetDataFields();
        var keys = new string?[group.RowCount];
        await group.ReadAsync(fields.Single(f => f.Name == "key"), keys.AsMemory()!, null, TestContext.Current.CancellationToken);
        var jpg = new byte[]?[group.RowCount];
        await group.ReadAsync(fields.Single(f => f.Name == "jpg"), jpg.AsMemory()!, null, TestContext.Current.CancellationToken);
        for (var i = 0; i < keys.Length; i++)
        {
            if (jpg[i] is { } bytes)
            {
                pictures[keys[i]!] = bytes;
            }
        }

        return pictures;
    }

    /// <summary>The SHA-256 of each of a shard's files.</summary>
    private static string[] Snapshot(string folder, string shard) =>
        [.. new[] { shard + ".tar", shard + ".parquet", shard + "_stats.json" }.Select(name => $"{name} {Sha(File.ReadAllBytes(Path.Combine(folder, name)))}")];

    private static void CopyFolder(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }

    /// <summary>A shard's member names, with the SHA-256 of each picture.</summary>
    private static string[] Pictures(List<(string Name, byte[] Content)> members) =>
        [.. members.Select(m => m.Name.EndsWith(".jpg", StringComparison.Ordinal) ? $"{m.Name} {Sha(m.Content)}" : m.Name)];
}
