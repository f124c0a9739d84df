using System.IO.Compression;
using System.Text;
using Haul.Datasets;

namespace Haul.Tests.Datasets;

public sealed class DatasetSourceTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("haul-dataset-input-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task ReadAsync_Txt_OneSamplePerNonBlankLineTrimmedAndNumbered()
    {
        var file = Write("urls.txt", "http://a.test/1.jpg\n\n  http://a.test/2.jpg  \r\nhttp://a.test/3.jpg");

        var samples = await ReadAllAsync(file, new DatasetInputOptions());

        samples.Select(s => s.Url).ShouldBe(["http://a.test/1.jpg", "http://a.test/2.jpg", "http://a.test/3.jpg"]);
        samples.Select(s => s.Row).ShouldBe([0L, 1L, 2L]);
        samples.ShouldAllBe(s => s.FileIndex == 0 && s.Caption == null && s.Extra.Count == 0 && s.InputError == null);
    }

    [Fact]
    public async Task ReadAsync_TxtWithCaptionColumn_Refused()
    {
        var file = Write("urls.txt", "http://a.test/1.jpg\n");

        var ex = await Should.ThrowAsync<DatasetInputException>(() => ReadAllAsync(file, new DatasetInputOptions { CaptionColumn = "caption" }));

        ex.Message.ShouldContain("only URLs");
    }

    [Fact]
    public async Task ReadAsync_CsvWithQuotes_FieldsUnquotedCaptionAndExtrasKept()
    {
        var file = Write("table.csv",
            "id,url,caption,license\r\n" +
            "1,http://a.test/1.jpg,\"a cat, sitting\",cc-by\r\n" +
            "2,http://a.test/2.jpg,\"two\nlines with \"\"quotes\"\"\",\r\n" +
            "\r\n" +
            "3,http://a.test/3.jpg,,cc0");

        var samples = await ReadAllAsync(file, new DatasetInputOptions
        {
            Format = DatasetInputFormat.Csv,
            CaptionColumn = "caption",
            AdditionalColumns = ["license", "id"],
        });

        samples.Select(s => s.Url).ShouldBe(["http://a.test/1.jpg", "http://a.test/2.jpg", "http://a.test/3.jpg"]);
        samples.Select(s => s.Caption).ShouldBe(["a cat, sitting", "two\nlines with \"quotes\"", null]);
        samples[0].Extra.ShouldBe([new("license", "cc-by"), new("id", "1")]);
        samples[1].Extra.ShouldBe([new("license", null), new("id", "2")]);
        samples[2].Extra.ShouldBe([new("license", "cc0"), new("id", "3")]);
    }

    [Fact]
    public async Task ReadAsync_Tsv_SplitsOnTabsOnly()
    {
        var file = Write("table.tsv", "url\tcaption\nhttp://a.test/1.jpg\tred, green and blue\n");

        var samples = await ReadAllAsync(file, new DatasetInputOptions { Format = DatasetInputFormat.Tsv, CaptionColumn = "caption" });

        samples.ShouldHaveSingleItem().Caption.ShouldBe("red, green and blue");
    }

    [Fact]
    public async Task ReadAsync_CsvRowWithWrongFieldCount_FailedSampleAndReadingGoesOn()
    {
        var file = Write("table.csv", "url,caption\nhttp://a.test/1.jpg,one,extra\nhttp://a.test/2.jpg,two\n");

        var samples = await ReadAllAsync(file, new DatasetInputOptions { Format = DatasetInputFormat.Csv, CaptionColumn = "caption" });

        samples.Count.ShouldBe(2);
        samples[0].InputError.ShouldBe($"The row on line 2 of {file} has 3 fields where the header has 2.");
        samples[1].Url.ShouldBe("http://a.test/2.jpg");
        samples.Select(s => s.Row).ShouldBe([0L, 1L]);
    }

    [Fact]
    public async Task ReadAsync_CsvRecordPastLimit_SkippedWithoutHoldingItAndNextRowRead()
    {
        var huge = new string('x', DelimitedRecordReader.MaxRecordChars + 10);
        var file = Write("table.csv", $"url,caption\nhttp://a.test/1.jpg,\"{huge}\"\nhttp://a.test/2.jpg,two\n");

        var samples = await ReadAllAsync(file, new DatasetInputOptions { Format = DatasetInputFormat.Csv, CaptionColumn = "caption" });

        samples.Count.ShouldBe(2);
        samples[0].InputError.ShouldNotBeNull().ShouldContain("line 2");
        samples[1].Caption.ShouldBe("two");
    }

    [Fact]
    public async Task ReadAsync_CsvWithoutUrlColumn_RefusedNamingTheColumns()
    {
        var file = Write("table.csv", "link,caption\nhttp://a.test/1.jpg,one\n");

        var ex = await Should.ThrowAsync<DatasetInputException>(() => ReadAllAsync(file, new DatasetInputOptions { Format = DatasetInputFormat.Csv }));

        ex.Message.ShouldBe($"{file} has no column 'url' (its columns: link, caption).");
        ex.Path.ShouldBe(file);
    }

    [Fact]
    public async Task ReadAsync_CsvWithNulByte_RefusedAsNotText()
    {
        var file = Write("table.csv", "url\nhttp://a.test/1.jpg\n\0\0\0");

        var ex = await Should.ThrowAsync<DatasetInputException>(() => ReadAllAsync(file, new DatasetInputOptions { Format = DatasetInputFormat.Csv }));

        ex.Message.ShouldContain("not text");
    }

    [Theory]
    [InlineData("csv.gz", "url,caption\nhttp://a.test/1.jpg,one\n")]
    [InlineData("tsv.gz", "url\tcaption\nhttp://a.test/1.jpg\tone\n")]
    [InlineData("jsonl.gz", "{\"url\":\"http://a.test/1.jpg\",\"caption\":\"one\"}\n")]
    [InlineData("json.gz", "[{\"url\":\"http://a.test/1.jpg\",\"caption\":\"one\"}]")]
    public async Task ReadAsync_GzipFormats_Decompressed(string formatName, string content)
    {
        DatasetInputOptions.TryParseFormat(formatName, out var format, out var gzip).ShouldBeTrue();
        var file = Path.Combine(_dir, "input." + formatName);
        await using (var gz = new GZipStream(File.Create(file), CompressionLevel.Fastest))
        {
            await gz.WriteAsync(Encoding.UTF8.GetBytes(content), TestContext.Current.CancellationToken);
        }

        var samples = await ReadAllAsync(file, new DatasetInputOptions { Format = format, Gzip = gzip, CaptionColumn = "caption" });

        var sample = samples.ShouldHaveSingleItem();
        (sample.Url, sample.Caption).ShouldBe(("http://a.test/1.jpg", "one"));
    }

    [Fact]
    public async Task ReadAsync_TxtGz_Decompressed()
    {
        var file = Path.Combine(_dir, "urls.txt.gz");
        await using (var gz = new GZipStream(File.Create(file), CompressionLevel.Fastest))
        {
            await gz.WriteAsync("http://a.test/1.jpg\nhttp://a.test/2.jpg\n"u8.ToArray(), TestContext.Current.CancellationToken);
        }

        var samples = await ReadAllAsync(file, new DatasetInputOptions { Gzip = true });

        samples.Select(s => s.Url).ShouldBe(["http://a.test/1.jpg", "http://a.test/2.jpg"]);
    }

    [Fact]
    public async Task ReadAsync_Jsonl_ValuesAsTextAndBadLinesFailed()
    {
        var file = Write("rows.jsonl",
            "{\"url\":\"http://a.test/1.jpg\",\"caption\":\"one\",\"width\":640,\"nsfw\":false,\"tags\":[\"a\"]}\n" +
            "not json\n" +
            "[1,2]\n" +
            "\n" +
            "{\"url\":\"http://a.test/2.jpg\",\"caption\":null}\n");

        var samples = await ReadAllAsync(file, new DatasetInputOptions
        {
            Format = DatasetInputFormat.Jsonl,
            CaptionColumn = "caption",
            AdditionalColumns = ["width", "nsfw", "tags", "missing"],
        });

        samples.Count.ShouldBe(4);
        samples[0].Extra.ShouldBe([new("width", "640"), new("nsfw", "false"), new("tags", "[\"a\"]"), new("missing", null)]);
        samples[1].InputError.ShouldBe($"Line 2 of {file} is not valid JSON.");
        samples[2].InputError.ShouldBe($"Line 3 of {file} is not a JSON object.");
        (samples[3].Url, samples[3].Caption, samples[3].Row).ShouldBe(("http://a.test/2.jpg", null, 3L));
    }

    [Fact]
    public async Task ReadAsync_JsonArrayAcrossManyBuffers_EveryElementInOrder()
    {
        var text = new StringBuilder("\uFEFF[\n");
        for (var i = 0; i < 5000; i++)
        {
            text.Append(i == 0 ? "" : ",\n").Append($"  {{\"url\": \"http://a.test/{i}.jpg\", \"caption\": \"picture number {i}\", \"n\": {i}}}");
        }

        text.Append("\n]\n");
        var file = Write("rows.json", text.ToString());

        var samples = await ReadAllAsync(file, new DatasetInputOptions { Format = DatasetInputFormat.Json, CaptionColumn = "caption", AdditionalColumns = ["n"] });

        samples.Count.ShouldBe(5000);
        samples.Select(s => s.Url).ShouldBe(Enumerable.Range(0, 5000).Select(i => $"http://a.test/{i}.jpg"));
        samples[4999].Caption.ShouldBe("picture number 4999");
        samples[4999].Extra.ShouldBe([new("n", "4999")]);
        samples.Select(s => s.Row).ShouldBe(Enumerable.Range(0, 5000).Select(i => (long)i));
    }

    [Fact]
    public async Task ReadAsync_JsonElementLargerThanBuffer_BufferGrows()
    {
        var caption = new string('c', 300_000);
        var file = Write("rows.json", $"[{{\"url\":\"http://a.test/1.jpg\",\"caption\":\"{caption}\"}},{{\"url\":\"http://a.test/2.jpg\"}}]");

        var samples = await ReadAllAsync(file, new DatasetInputOptions { Format = DatasetInputFormat.Json, CaptionColumn = "caption" });

        samples.Select(s => s.Caption).ShouldBe([caption, null]);
    }

    [Fact]
    public async Task ReadAsync_JsonElementPastLimit_Refused()
    {
        var caption = new string('c', DatasetSource.MaxJsonElementBytes);
        var file = Write("rows.json", $"[{{\"url\":\"http://a.test/1.jpg\",\"caption\":\"{caption}\"}}]");

        var ex = await Should.ThrowAsync<DatasetInputException>(() => ReadAllAsync(file, new DatasetInputOptions { Format = DatasetInputFormat.Json }));

        ex.Message.ShouldContain("larger than 4 MiB");
    }

    [Theory]
    [InlineData("[{\"url\":\"http://a.test/1.jpg\"},{\"url\":", "cannot be read as json")]
    [InlineData("{\"url\":\"http://a.test/1.jpg\"}", "not a JSON array")]
    [InlineData("[\"http://a.test/1.jpg\"]", "where the array should hold an object")]
    [InlineData("", "is empty")]
    [InlineData("[{\"url\": }]", "cannot be read as json")]
    public async Task ReadAsync_MalformedJsonArray_Refused(string content, string expected)
    {
        var file = Write("rows.json", content);

        var ex = await Should.ThrowAsync<DatasetInputException>(() => ReadAllAsync(file, new DatasetInputOptions { Format = DatasetInputFormat.Json }));

        ex.Message.ShouldContain(expected);
    }

    [Fact]
    public async Task ReadAsync_Folder_FilesOfTheFormatInOrdinalOrder()
    {
        Directory.CreateDirectory(Path.Combine(_dir, "in"));
        Write("in/b.csv", "url\nhttp://a.test/b1.jpg\nhttp://a.test/b2.jpg\n");
        Write("in/a.csv", "url\nhttp://a.test/a1.jpg\n");
        Write("in/c.tsv", "url\nhttp://a.test/c1.jpg\n");
        Write("in/B.csv", "url\nhttp://a.test/B1.jpg\n");

        var samples = await ReadAllAsync(Path.Combine(_dir, "in"), new DatasetInputOptions { Format = DatasetInputFormat.Csv });

        samples.Select(s => (s.FileIndex, s.Row, s.Url)).ShouldBe([
            (0, 0L, "http://a.test/B1.jpg"),
            (1, 0L, "http://a.test/a1.jpg"),
            (2, 0L, "http://a.test/b1.jpg"),
            (2, 1L, "http://a.test/b2.jpg"),
        ]);
    }

    [Fact]
    public async Task ReadAsync_FolderWithoutFilesOfTheFormat_Refused()
    {
        Write("only.tsv", "url\n");

        var ex = await Should.ThrowAsync<DatasetInputException>(() => ReadAllAsync(_dir, new DatasetInputOptions { Format = DatasetInputFormat.Parquet }));

        ex.Message.ShouldBe($"The folder {_dir} has no *.parquet file.");
    }

    [Fact]
    public async Task ReadAsync_MissingFile_Refused()
    {
        var missing = Path.Combine(_dir, "nothing.csv");

        var ex = await Should.ThrowAsync<DatasetInputException>(() => ReadAllAsync(missing, new DatasetInputOptions { Format = DatasetInputFormat.Csv }));

        ex.Message.ShouldBe($"{missing} does not exist.");
    }

    [Fact]
    public async Task ReadAsync_CorruptGzip_Refused()
    {
        var file = Write("table.csv.gz", "url\nnot gzip at all\n");

        var ex = await Should.ThrowAsync<DatasetInputException>(() => ReadAllAsync(file, new DatasetInputOptions { Format = DatasetInputFormat.Csv, Gzip = true }));

        ex.Message.ShouldStartWith($"{file} cannot be read as csv.gz");
    }

    [Theory]
    [InlineData("txt", DatasetInputFormat.Txt, false)]
    [InlineData("tsv.gz", DatasetInputFormat.Tsv, true)]
    [InlineData("jsonl", DatasetInputFormat.Jsonl, false)]
    [InlineData("parquet", DatasetInputFormat.Parquet, false)]
    public void TryParseFormat_KnownNames_Parsed(string name, DatasetInputFormat expected, bool expectedGzip)
    {
        DatasetInputOptions.TryParseFormat(name, out var format, out var gzip).ShouldBeTrue();
        (format, gzip).ShouldBe((expected, expectedGzip));
        new DatasetInputOptions { Format = format, Gzip = gzip }.Extension.ShouldBe(name);
    }

    [Theory]
    [InlineData("parquet.gz")]
    [InlineData("CSV")]
    [InlineData("xml")]
    [InlineData(".gz")]
    public void TryParseFormat_UnknownNames_False(string name)
    {
        DatasetInputOptions.TryParseFormat(name, out _, out _).ShouldBeFalse();
    }

    internal static async Task<List<DatasetSample>> ReadAllAsync(string path, DatasetInputOptions options)
    {
        var samples = new List<DatasetSample>();
        await foreach (var sample in DatasetSource.ReadAsync(path, options, TestContext.Current.CancellationToken))
        {
            samples.Add(sample);
        }

        return samples;
    }

    private string Write(string name, string content)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }
}
