using Haul.Datasets;
using Parquet;
using Parquet.Schema;

namespace Haul.Tests.Datasets;

public sealed class DatasetSourceParquetTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("haul-dataset-parquet-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ReadAsync_ParquetWithRowGroups_EveryRowInOrderWithTypedExtrasAsText()
    {
        var file = Path.Combine(_dir, "table.parquet");
        var url = new DataField<string>("url");
        var caption = new DataField<string>("caption");
        var width = new DataField<int?>("width");
        var score = new DataField<double>("score");
        var flag = new DataField<bool>("nsfw");
        var unused = new DataField<string>("unused");
        await using (var stream = File.Create(file))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(url, caption, width, score, flag, unused), stream, cancellationToken: TestContext.Current.CancellationToken);
            for (var group = 0; group < 3; group++)
            {
                using var rowGroup = writer.CreateRowGroup();
                var rows = Enumerable.Range(group * 4, 4).ToArray();
                await rowGroup.WriteAsync(url, rows.Select(i => $"http://a.test/{i}.jpg").ToArray());
                await rowGroup.WriteAsync(caption, rows.Select(i => i % 2 == 0 ? $"caption {i}" : null).ToArray()!);
                await rowGroup.WriteAsync<int>(width, rows.Select(i => i == 5 ? (int?)null : i * 10).ToArray().AsMemory(), cancellationToken: TestContext.Current.CancellationToken);
                await rowGroup.WriteAsync<double>(score, rows.Select(i => i + 0.5).ToArray().AsMemory(), cancellationToken: TestContext.Current.CancellationToken);
                await rowGroup.WriteAsync<bool>(flag, rows.Select(i => i == 3).ToArray().AsMemory(), cancellationToken: TestContext.Current.CancellationToken);
                await rowGroup.WriteAsync(unused, rows.Select(_ => "x").ToArray());
            }
        }

        var samples = await DatasetSourceTests.ReadAllAsync(file, new DatasetInputOptions
        {
            Format = DatasetInputFormat.Parquet,
            CaptionColumn = "caption",
            AdditionalColumns = ["width", "score", "nsfw"],
        });

        samples.Select(s => s.Url).ShouldBe(Enumerable.Range(0, 12).Select(i => $"http://a.test/{i}.jpg"));
        samples.Select(s => s.Row).ShouldBe(Enumerable.Range(0, 12).Select(i => (long)i));
        samples[4].Caption.ShouldBe("caption 4");
        samples[5].Caption.ShouldBeNull();
        samples[3].Extra.ShouldBe([new("width", "30"), new("score", "3.5"), new("nsfw", "true")]);
        samples[5].Extra.ShouldBe([new("width", null), new("score", "5.5"), new("nsfw", "false")]);
    }

    [Fact]
    public async Task ReadAsync_ParquetWithoutCaptionColumn_RefusedNamingTheColumns()
    {
        var file = Path.Combine(_dir, "table.parquet");
        var url = new DataField<string>("url");
        await using (var stream = File.Create(file))
        {
            await using var writer = await ParquetWriter.CreateAsync(new ParquetSchema(url), stream, cancellationToken: TestContext.Current.CancellationToken);
            using var rowGroup = writer.CreateRowGroup();
            await rowGroup.WriteAsync(url, ["http://a.test/1.jpg"]);
        }

        var ex = await Should.ThrowAsync<DatasetInputException>(() => DatasetSourceTests.ReadAllAsync(file, new DatasetInputOptions
        {
            Format = DatasetInputFormat.Parquet,
            CaptionColumn = "text",
        }));

        ex.Message.ShouldBe($"{file} has no column 'text' (its columns: url).");
    }

    [Fact]
    public async Task ReadAsync_FileThatIsNotParquet_Refused()
    {
        var file = Path.Combine(_dir, "table.parquet");
        await File.WriteAllTextAsync(file, "url\nhttp://a.test/1.jpg\n", TestContext.Current.CancellationToken);

        var ex = await Should.ThrowAsync<DatasetInputException>(() => DatasetSourceTests.ReadAllAsync(file, new DatasetInputOptions { Format = DatasetInputFormat.Parquet }));

        ex.Message.ShouldStartWith($"{file} cannot be read as parquet");
    }
}
