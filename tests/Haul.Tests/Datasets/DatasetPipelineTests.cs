using System.Text;
using System.Text.Json;
using Haul.Datasets;
using Haul.Tests.EndToEnd;
using Parquet;
using Parquet.Schema;

using static Haul.Tests.Datasets.DatasetOutput;

namespace Haul.Tests.Datasets;

public sealed class DatasetPipelineTests
{
    private static readonly byte[] Jpeg = TestImages.Solid(120, 80, ".jpg", 200, 30, 30);
    private static readonly byte[] Png = TestImages.Solid(50, 50, ".png", 1, 2, 3);
    private static readonly byte[] Corrupt = Encoding.ASCII.GetBytes("this is not a picture at all");

    [Fact]
    public async Task RunAsync_Webdataset_TarMembersInKeyOrderParquetRowsAndStats()
    {
        await using var server = await Serve();
        using var temp = new TempDirectory();
        var samples = Samples(server);

        var summary = await RunAsync(temp.Out, DatasetOutputFormat.Webdataset, samples);

        summary.WrittenShards.ShouldBe(2);
        summary.Successes.ShouldBe(3);
        Directory.EnumerateFileSystemEntries(temp.Out).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(
            [".haul", "00000.parquet", "00000.tar", "00000_stats.json", "00001.parquet", "00001.tar", "00001_stats.json"]);
        var shard0 = ReadTar(Path.Combine(temp.Out, "00000.tar"));
        shard0.Select(m => m.Name).ShouldBe(["000000.jpg", "000000.txt", "000000.json", "000002.jpg", "000002.txt", "000002.json"]);
        var shard1 = ReadTar(Path.Combine(temp.Out, "00001.tar"));
        shard1.Select(m => m.Name).ShouldBe(["000011.jpg", "000011.txt", "000011.json"]);

        Size(shard0[0].Content).ShouldBe((96, 64));
        Size(shard0[3].Content).ShouldBe((64, 64));
        Size(shard1[0].Content).ShouldBe((96, 64));
        Encoding.UTF8.GetString(shard0[1].Content).ShouldBe("a red photo");
        Encoding.UTF8.GetString(shard1[1].Content).ShouldBe("last, é");
        using (var json = JsonDocument.Parse(shard0[2].Content))
        {
            var root = json.RootElement;
            root.GetProperty("url").GetString().ShouldBe(server.Url("/red.jpg"));
            root.GetProperty("caption").GetString().ShouldBe("a red photo");
            root.GetProperty("key").GetString().ShouldBe("000000");
            root.GetProperty("status").GetString().ShouldBe("success");
            root.GetProperty("error_message").ValueKind.ShouldBe(JsonValueKind.Null);
            root.GetProperty("width").GetInt32().ShouldBe(96);
            root.GetProperty("height").GetInt32().ShouldBe(64);
            root.GetProperty("original_width").GetInt32().ShouldBe(120);
            root.GetProperty("original_height").GetInt32().ShouldBe(80);
            root.GetProperty("sha256").GetString().ShouldBe(Sha(Jpeg));
            root.GetProperty("licence").GetString().ShouldBe("cc-0");
        }

        var rows = await ReadParquetAsync(Path.Combine(temp.Out, "00000.parquet"));
        rows["key"].ShouldBe(["000000", "000001", "000002", "000003", "000004", "000005", "000006", "000007", "000008", "000009"]);
        rows["status"].ShouldBe(["success", "failed_to_download", "success", "failed_to_resize", "failed_to_download", "failed_to_download", "failed_to_download", "failed_to_download", "failed_to_download", "failed_to_download"]);
        rows["sha256"][0].ShouldBe(Sha(Jpeg));
        rows["sha256"][2].ShouldBe(Sha(Png));
        rows["sha256"][3].ShouldBe(Sha(Corrupt));
        rows["sha256"][1].ShouldBeNull();
        rows["error_message"][1]!.ShouldContain("404");
        rows["caption"][1].ShouldBe("gone");
        rows["licence"][3].ShouldBe("cc-3");
        rows.ContainsKey("jpg").ShouldBeFalse();

        using var stats = JsonDocument.Parse(File.ReadAllBytes(Path.Combine(temp.Out, "00000_stats.json")));
        stats.RootElement.GetProperty("count").GetInt32().ShouldBe(10);
        stats.RootElement.GetProperty("successes").GetInt32().ShouldBe(2);
        stats.RootElement.GetProperty("failed_to_download").GetInt32().ShouldBe(7);
        stats.RootElement.GetProperty("failed_to_resize").GetInt32().ShouldBe(1);
        stats.RootElement.GetProperty("error_kinds").GetProperty("http").GetInt32().ShouldBe(7);
        stats.RootElement.GetProperty("error_kinds").GetProperty("decode").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task RunAsync_Files_AFolderPerShardWithTheSameFiles()
    {
        await using var server = await Serve();
        using var temp = new TempDirectory();

        await RunAsync(temp.Out, DatasetOutputFormat.Files, Samples(server));

        Directory.EnumerateFiles(Path.Combine(temp.Out, "00000")).Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .ShouldBe(["000000.jpg", "000000.json", "000000.txt", "000002.jpg", "000002.json", "000002.txt"]);
        Size(File.ReadAllBytes(Path.Combine(temp.Out, "00001", "000011.jpg"))).ShouldBe((96, 64));
        File.Exists(Path.Combine(temp.Out, "00001.parquet")).ShouldBeTrue();
        File.Exists(Path.Combine(temp.Out, "00001_stats.json")).ShouldBeTrue();
    }

    [Fact]
    public async Task RunAsync_Parquet_PicturesInAJpgColumnAfterTheMetadataAndCaptionsInTxt()
    {
        await using var server = await Serve();
        using var temp = new TempDirectory();

        await RunAsync(temp.Out, DatasetOutputFormat.Parquet, Samples(server));

        Directory.EnumerateFileSystemEntries(temp.Out).Select(Path.GetFileName).Order(StringComparer.Ordinal).ShouldBe(
            [".haul", "00000.parquet", "00000_stats.json", "00001.parquet", "00001_stats.json"]);
        var file = Path.Combine(temp.Out, "00000.parquet");
        await using var stream = File.OpenRead(file);
        await using var reader = await ParquetReader.CreateAsync(stream, cancellationToken: TestContext.Current.CancellationToken);
        var fields = reader.Schema.GetDataFields();
        fields.Select(f => f.Name).ShouldBe(["key", "url", "caption", "licence", "status", "error_message", "width", "height", "original_width", "original_height", "sha256", "jpg", "txt"]);
        using var group = reader.OpenRowGroupReader(0);
        var pictures = new byte[]?[group.RowCount];
        await group.ReadAsync(fields[^2], pictures.AsMemory()!, null, TestContext.Current.CancellationToken);
        var texts = new string?[group.RowCount];
        await group.ReadAsync(fields[^1], texts.AsMemory()!, null, TestContext.Current.CancellationToken);
        texts[0].ShouldBe("a red photo");
        texts[1].ShouldBeNull();
        Size(pictures[0]!).ShouldBe((96, 64));
        Size(pictures[2]!).ShouldBe((64, 64));
        pictures[1].ShouldBeNull();
        pictures[3].ShouldBeNull();
    }

    [Fact]
    public async Task RunAsync_CompleteShard_SkippedWithoutARequest()
    {
        await using var server = await Serve();
        using var temp = new TempDirectory();
        await RunAsync(temp.Out, DatasetOutputFormat.Webdataset, Samples(server));
        var before = Sha(File.ReadAllBytes(Path.Combine(temp.Out, "00000.tar")));
        var requests = server.Requests.Count;

        var summary = await RunAsync(temp.Out, DatasetOutputFormat.Webdataset, Samples(server));

        summary.SkippedShards.ShouldBe(2);
        summary.WrittenShards.ShouldBe(0);
        server.Requests.Count.ShouldBe(requests);
        Sha(File.ReadAllBytes(Path.Combine(temp.Out, "00000.tar"))).ShouldBe(before);
    }

    [Fact]
    public async Task RunAsync_IncompleteShardLeftovers_RemovedAndShardRedone()
    {
        await using var server = await Serve();
        using var temp = new TempDirectory();
        await RunAsync(temp.Out, DatasetOutputFormat.Webdataset, Samples(server));
        // Shard 1 as a killed run leaves it: a truncated tar and temporaries, no stats.
        File.Delete(Path.Combine(temp.Out, "00001_stats.json"));
        var tar = Path.Combine(temp.Out, "00001.tar");
        File.WriteAllBytes(tar, File.ReadAllBytes(tar).AsSpan(0, 700).ToArray());
        File.WriteAllBytes(Path.Combine(temp.Out, "00001.parquet.tmp"), [1, 2, 3]);
        File.WriteAllBytes(Path.Combine(temp.Out, "00001_stats.json.tmp"), [4]);
        // And the body of shard 1's picture, downloaded whole but not yet read when the run died, with other bytes.
        var incoming = Path.Combine(temp.Out, ".haul", "incoming");
        Directory.CreateDirectory(incoming);
        var stale = TestImages.Solid(10, 10, ".jpg", 1, 1, 1);
        File.WriteAllBytes(Path.Combine(incoming, "000011.body"), stale);
        var redHits = server.Hits("/red.jpg");

        var summary = await RunAsync(temp.Out, DatasetOutputFormat.Webdataset, Samples(server));

        summary.SkippedShards.ShouldBe(1);
        summary.WrittenShards.ShouldBe(1);
        server.Hits("/red.jpg").ShouldBe(redHits + 1);
        server.Hits("/grey.png").ShouldBe(1);
        var members = ReadTar(tar);
        members.Select(m => m.Name).ShouldBe(["000011.jpg", "000011.txt", "000011.json"]);
        Size(members[0].Content).ShouldBe((96, 64));
        using (var json = JsonDocument.Parse(members[2].Content))
        {
            json.RootElement.GetProperty("sha256").GetString().ShouldBe(Sha(Jpeg));
        }

        Directory.EnumerateFileSystemEntries(incoming).ShouldBeEmpty();
        Directory.EnumerateFiles(temp.Out, "*.tmp").ShouldBeEmpty();
        File.Exists(Path.Combine(temp.Out, "00001_stats.json")).ShouldBeTrue();
    }

    private static async Task<DatasetRunSummary> RunAsync(string folder, DatasetOutputFormat format, IReadOnlyList<DatasetSample> samples)
    {
        var options = new DatasetRunOptions
        {
            OutputFolder = folder,
            OutputFormat = format,
            SamplesPerShard = 10,
            Image = new DatasetImageOptions { ImageSize = 64, ResizeMode = DatasetResizeMode.KeepRatio },
            Engine = DownloaderHarness.Options(folder) with { MaxConcurrent = 4, Retries = 0 },
        };
        using var pipeline = new DatasetPipeline(options);
        return await pipeline.RunAsync(samples.ToAsyncEnumerable(), TestContext.Current.CancellationToken);
    }

    private static async Task<LoopbackServer> Serve()
    {
        var server = await LoopbackServer.StartAsync();
        server.MapFile("/red.jpg", Jpeg);
        server.MapFile("/grey.png", Png);
        server.MapFile("/corrupt.jpg", Corrupt);
        return server;
    }

    /// <summary>Twelve samples in one file: shard 0 has ten (red, 404, grey, corrupt, six 404s), shard 1 has two (a 404, red).</summary>
    private static List<DatasetSample> Samples(LoopbackServer server)
    {
        var urls = new[] { "/red.jpg", "/missing0", "/grey.png", "/corrupt.jpg", "/missing1", "/missing2", "/missing3", "/missing4", "/missing5", "/missing6", "/missing7", "/red.jpg" };
        var captions = new[] { "a red photo", "gone", "grey", "broken", null, null, null, null, null, null, null, "last, é" };
        return [.. urls.Select((url, i) => new DatasetSample(0, i, server.Url(url), captions[i], [new("licence", $"cc-{i}")]))];
    }
}
