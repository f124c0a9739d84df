using System.Formats.Tar;
using System.Security.Cryptography;
using Haul.Datasets;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Datasets;

public sealed class DatasetShardWriterTests
{
    [Fact]
    public async Task AddAsync_Success_MembersOnDiskAtOnceAndTheRowKeepsNoPicture()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var files = new DatasetShardFiles(temp.Out, 0, DatasetOutputFormat.Webdataset);
        var picture = RandomNumberGenerator.GetBytes(400_000);
        var writer = DatasetShardWriter.Create(files, DatasetEncodeFormat.Jpg);
        await using (writer)
        {
            await writer.AddAsync(Success("000000", picture), TestContext.Current.CancellationToken);

            // Streamed: the picture is in the temporary tar before the shard is complete (all but what a write buffer holds).
            new FileInfo(files.Data + DatasetShardFiles.TemporarySuffix).Length.ShouldBeGreaterThan(picture.Length - (1 << 16));
            writer.Rows.Single().Image!.Bytes.ShouldBeEmpty();
            writer.Rows.Single().Image!.Width.ShouldBe(30);
            File.Exists(files.Data).ShouldBeFalse();

            await writer.CompleteAsync(DatasetShardStats.For(writer.Rows, DateTimeOffset.UnixEpoch, DateTimeOffset.UnixEpoch), TestContext.Current.CancellationToken);
        }

        using var stream = File.OpenRead(files.Data!);
        using var tar = new TarReader(stream);
        var entry = tar.GetNextEntry()!;
        entry.Name.ShouldBe("000000.jpg");
        using var content = new MemoryStream();
        entry.DataStream!.CopyTo(content);
        SHA256.HashData(content.ToArray()).ShouldBe(SHA256.HashData(picture));
        File.Exists(files.Stats).ShouldBeTrue();
    }

    [Fact]
    public async Task DisposeAsync_BeforeComplete_NoFileUnderAFinalName()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var files = new DatasetShardFiles(temp.Out, 3, DatasetOutputFormat.Webdataset);
        var writer = DatasetShardWriter.Create(files, DatasetEncodeFormat.Jpg);
        await writer.AddAsync(Success("030000", [1, 2, 3]), TestContext.Current.CancellationToken);

        await writer.DisposeAsync();

        File.Exists(files.Data).ShouldBeFalse();
        File.Exists(files.Parquet).ShouldBeFalse();
        File.Exists(files.Stats).ShouldBeFalse();
        File.Exists(files.Data + DatasetShardFiles.TemporarySuffix).ShouldBeTrue();
        files.RemoveLeftovers();
        Directory.EnumerateFileSystemEntries(temp.Out).ShouldBeEmpty();
    }

    [Fact]
    public async Task AddAsync_KeyNotAfterThePrevious_Throws()
    {
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var writer = DatasetShardWriter.Create(new DatasetShardFiles(temp.Out, 0, DatasetOutputFormat.Webdataset), DatasetEncodeFormat.Jpg);
        await using (writer)
        {
            await writer.AddAsync(Success("000002", [1]), TestContext.Current.CancellationToken);

            await Should.ThrowAsync<ArgumentException>(async () => await writer.AddAsync(Success("000001", [2]), TestContext.Current.CancellationToken));
            await Should.ThrowAsync<ArgumentException>(async () => await writer.AddAsync(Success("000002", [3]), TestContext.Current.CancellationToken));
        }
    }

    private static DatasetRecord Success(string key, byte[] picture) =>
        new(new DatasetSample(0, 0, "http://127.0.0.1/p.jpg", null, []), key, new ProcessedImage(picture, 30, 20, 60, 40), "00", null, Downloaded: true);
}
