using System.Formats.Tar;
using System.Security.Cryptography;
using Haul.Datasets;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Datasets;

public sealed class DatasetReaderTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    [InlineData(100)]
    public async Task ReadBatchesAsync_WebdatasetShards_EveryPictureInKeyOrderWithTheTarBytes(int batchSize)
    {
        await using var server = await Serve();
        using var temp = new TempDirectory();
        await BuildAsync(server, temp.Out, DatasetOutputFormat.Webdataset);

        var batches = await ReadAllAsync(temp.Out, batchSize);

        // Seven samples, one a 404: six pictures, in batches of the size asked and a smaller last one.
        var sizes = batches.Select(b => b.Count).ToList();
        sizes.Take(sizes.Count - 1).ShouldAllBe(size => size == batchSize);
        sizes[^1].ShouldBe(6 % batchSize == 0 ? Math.Min(batchSize, 6) : 6 % batchSize);
        var items = batches.SelectMany(b => b).ToList();
        items.Select(i => i.Key).ShouldBe(["00000000", "00000002", "00001000", "00001001", "00001002", "00002000"]);
        var members = TarMembers(Path.Combine(temp.Out, "00000.tar")).Concat(TarMembers(Path.Combine(temp.Out, "00001.tar"))).Concat(TarMembers(Path.Combine(temp.Out, "00002.tar")))
            .ToDictionary(m => m.Name, m => m.Content, StringComparer.Ordinal);
        foreach (var item in items)
        {
            Sha(item.Image).ShouldBe(Sha(members[item.Key + ".jpg"]));
            item.Extension.ShouldBe("jpg");
            item.Caption.ShouldBe(members.TryGetValue(item.Key + ".txt", out var caption) ? System.Text.Encoding.UTF8.GetString(caption) : null);
            item.Metadata.GetProperty("key").GetString().ShouldBe(item.Key);
            item.Metadata.GetProperty("status").GetString().ShouldBe("success");
            item.Metadata.GetProperty("licence").GetString().ShouldNotBeNull();
        }

        items[0].Caption.ShouldBe("caption 0");
        items[0].Metadata.GetProperty("url").GetString().ShouldBe(server.Url("/p0.jpg"));
        items[0].Metadata.GetProperty("sha256").GetString().ShouldBe(Sha(Pictures[0]));
        items[0].Metadata.GetProperty("width").GetInt32().ShouldBe(32);
    }

    [Fact]
    public async Task ReadBatchesAsync_ShardBeingWritten_NotRead()
    {
        await using var server = await Serve();
        using var temp = new TempDirectory();
        await BuildAsync(server, temp.Out, DatasetOutputFormat.Webdataset);
        // Shard 2 as a run writing it leaves it: its tar there, its stats not yet; shard 3 only a temporary.
        File.Delete(Path.Combine(temp.Out, "00002_stats.json"));
        File.Copy(Path.Combine(temp.Out, "00000.tar"), Path.Combine(temp.Out, "00003.tar.tmp"));
        File.WriteAllText(Path.Combine(temp.Out, "00003_stats.json.tmp"), "{}");

        var items = (await ReadAllAsync(temp.Out, 3)).SelectMany(b => b).ToList();

        items.Select(i => i.Key).ShouldBe(["00000000", "00000002", "00001000", "00001001", "00001002"]);
    }

    [Fact]
    public async Task ReadBatchesAsync_FilesFolders_SameItemsAsTheFiles()
    {
        await using var server = await Serve();
        using var temp = new TempDirectory();
        await BuildAsync(server, temp.Out, DatasetOutputFormat.Files);

        var items = (await ReadAllAsync(temp.Out, 5)).SelectMany(b => b).ToList();

        items.Select(i => i.Key).ShouldBe(["00000000", "00000002", "00001000", "00001001", "00001002", "00002000"]);
        foreach (var item in items)
        {
            Sha(item.Image).ShouldBe(Sha(File.ReadAllBytes(Path.Combine(temp.Out, item.Key[..5], item.Key + ".jpg"))));
            item.Metadata.GetProperty("key").GetString().ShouldBe(item.Key);
        }

        items[3].Caption.ShouldBe("caption 4");
    }

    [Fact]
    public async Task ReadBatchesAsync_TruncatedTar_DatasetInputException()
    {
        await using var server = await Serve();
        using var temp = new TempDirectory();
        await BuildAsync(server, temp.Out, DatasetOutputFormat.Webdataset);
        var tar = Path.Combine(temp.Out, "00001.tar");
        File.WriteAllBytes(tar, File.ReadAllBytes(tar).AsSpan(0, 1200).ToArray());

        var ex = await Should.ThrowAsync<DatasetInputException>(() => ReadAllAsync(temp.Out, 2));

        ex.Path.ShouldBe(tar);
    }

    [Fact]
    public async Task ReadBatchesAsync_MissingFolder_DatasetInputException()
    {
        using var temp = new TempDirectory();

        await Should.ThrowAsync<DatasetInputException>(() => ReadAllAsync(Path.Combine(temp.Root, "nothing"), 2));
    }

    private static readonly byte[][] Pictures = [.. Enumerable.Range(0, 7).Select(i => TestImages.Solid(32, 32, ".jpg", 20 * i, 100, 200 - (20 * i)))];

    private static async Task<List<IReadOnlyList<DatasetItem>>> ReadAllAsync(string folder, int batchSize)
    {
        var batches = new List<IReadOnlyList<DatasetItem>>();
        await foreach (var batch in DatasetReader.ReadBatchesAsync(folder, batchSize, TestContext.Current.CancellationToken))
        {
            batches.Add(batch);
        }

        return batches;
    }

    private static async Task<LoopbackServer> Serve()
    {
        var server = await LoopbackServer.StartAsync();
        for (var i = 0; i < Pictures.Length; i++)
        {
            if (i != 1)
            {
                server.MapFile($"/p{i}.jpg", Pictures[i]);
            }
        }

        return server;
    }

    /// <summary>Seven samples, three per shard (the second a 404): shards 0 (two pictures), 1 (three), 2 (one).</summary>
    private static async Task BuildAsync(LoopbackServer server, string folder, DatasetOutputFormat format)
    {
        var samples = Enumerable.Range(0, 7)
            .Select(i => new DatasetSample(0, i, server.Url($"/p{i}.jpg"), i == 3 ? null : $"caption {i}", [new("licence", $"cc-{i}")]))
            .ToList();
        var options = new DatasetRunOptions
        {
            OutputFolder = folder,
            OutputFormat = format,
            SamplesPerShard = 1000,
            Image = new DatasetImageOptions { ImageSize = 32, ResizeMode = DatasetResizeMode.No },
            Engine = DownloaderHarness.Options(folder) with { MaxConcurrent = 4, Retries = 0 },
        };
        using var pipeline = new DatasetPipeline(options);
        await pipeline.RunAsync(Sharded(samples), TestContext.Current.CancellationToken);
    }

    /// <summary>Three samples per input file, so shards hold three while keys keep the 1000-sample width.</summary>
    private static IAsyncEnumerable<DatasetSample> Sharded(List<DatasetSample> samples) =>
        samples.Select((s, i) => s with { FileIndex = i / 3, Row = i % 3 }).ToAsyncEnumerable();

    private static List<(string Name, byte[] Content)> TarMembers(string path)
    {
        var members = new List<(string, byte[])>();
        using var stream = File.OpenRead(path);
        using var tar = new TarReader(stream);
        while (tar.GetNextEntry() is { } entry)
        {
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            members.Add((entry.Name, content.ToArray()));
        }

        return members;
    }

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
