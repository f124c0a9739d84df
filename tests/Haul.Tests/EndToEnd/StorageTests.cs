using Haul.Storage;
using Haul.Checksums;
using Haul.Errors;

namespace Haul.Tests.EndToEnd;

public sealed class StorageTests
{
    [Theory]
    [InlineData("attachment; filename=\"../../x\"", "x")]
    [InlineData("attachment; filename=\"/etc/passwd\"", "passwd")]
    [InlineData("attachment; filename=\"..\\\\..\\\\evil.bat\"", "evil.bat")]
    [InlineData("attachment; filename=\"-rf .jpg\"", "rf .jpg")]
    [InlineData("attachment; filename*=UTF-8''%0Abad%07name%1B.txt", "bad_name_.txt")]
    [InlineData("attachment; filename=\"..\"", "download")]
    public async Task Download_HostileContentDisposition_SavedSafelyInsideDir(string disposition, string expectedName)
    {
        var content = TestData.Bytes(4096, seed: 20);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/download", (context, _) =>
        {
            context.Response.Headers.ContentDisposition = disposition;
            return server.ServeAsync(context, content);
        });
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/download")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        result.Path.ShouldBe(Path.Combine(temp.Out, expectedName));
        temp.AllFiles().ShouldBe([Path.Combine("out", expectedName)]);
        TestData.FileSha256(result.Path!).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Download_TwoUrlsWithTheSameName_GetDistinctNamesInInputOrder()
    {
        var first = TestData.Bytes(3000, seed: 21);
        var second = TestData.Bytes(4000, seed: 22);
        using var temp = new TempDirectory();
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/x/photo.jpg", async (context, _) =>
        {
            // The first URL finishes last, so names cannot follow completion order.
            await Eventually.TrueAsync(() => File.Exists(Path.Combine(temp.Out, "photo.1.jpg")), "the second URL's file");
            await server.ServeAsync(context, first);
        });
        server.MapFile("/y/photo.jpg", second);

        var results = await DownloaderHarness.RunAsync(
            DownloaderHarness.Options(temp.Out),
            new(server.Url("/x/photo.jpg")),
            new(server.Url("/y/photo.jpg")));

        results.Select(r => r.Url).ShouldBe([server.Url("/y/photo.jpg"), server.Url("/x/photo.jpg")]);
        TestData.FileSha256(Path.Combine(temp.Out, "photo.jpg")).ShouldBe(TestData.Sha256(first));
        TestData.FileSha256(Path.Combine(temp.Out, "photo.1.jpg")).ShouldBe(TestData.Sha256(second));
    }

    [Fact]
    public async Task Download_ManyUrlsOverFewNames_EachNumberedInInputOrderWithItsOwnBytes()
    {
        // A long list over a few files (distinct queries): every URL gets its own file, x.bin,
        // x.1.bin, ... in input order, and a line repeating an earlier URL is skipped.
        const int Names = 8;
        const int PerName = 30;
        await using var server = await LoopbackServer.StartAsync();
        for (var file = 0; file < Names; file++)
        {
            server.Map($"/f{file}.bin", (context, _) =>
                server.ServeAsync(context, Body(int.Parse(context.Request.Query["n"].ToString(), System.Globalization.CultureInfo.InvariantCulture))));
        }

        using var temp = new TempDirectory();
        var requests = Enumerable.Range(0, Names * PerName)
            .Select(n => new DownloadRequest(server.Url($"/f{n % Names}.bin?n={n}")) { Line = n + 1 })
            .Append(new DownloadRequest(server.Url("/f3.bin?n=3")) { Line = Names * PerName + 1 })
            .ToArray();

        var results = await DownloaderHarness.RunAsync(DownloaderHarness.Options(temp.Out) with { MaxConcurrent = 16 }, requests);

        results.Count(r => r.Status == DownloadStatus.Ok).ShouldBe(Names * PerName);
        results.Where(r => r.Status == DownloadStatus.Skipped).ShouldHaveSingleItem().Note.ShouldBe("same URL as line 4");
        temp.AllFiles().Length.ShouldBe(Names * PerName);
        for (var n = 0; n < Names * PerName; n++)
        {
            var name = FileNamer.WithIndex($"f{n % Names}.bin", n / Names);
            TestData.FileSha256(Path.Combine(temp.Out, name)).ShouldBe(TestData.Sha256(Body(n)));
        }

        static byte[] Body(int n) => TestData.Bytes(2_000 + n, seed: 1_000 + n);
    }

    [Fact]
    public async Task Download_ZeroByteFile_IsSaved()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/empty.txt", []);
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/empty.txt")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        result.Bytes.ShouldBe(0);
        result.Sha256.ShouldBe(TestData.EmptySha256);
        TestData.FileSha256(Path.Combine(temp.Out, "empty.txt")).ShouldBe(TestData.EmptySha256);
        temp.AllFiles().ShouldBe([Path.Combine("out", "empty.txt")]);
    }

    [Fact]
    public async Task Download_ChecksumMatches_IsSaved()
    {
        var content = TestData.Bytes(12_345, seed: 23);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/sum.bin", content);
        using var temp = new TempDirectory();
        var md5 = Convert.ToHexStringLower(System.Security.Cryptography.MD5.HashData(content));

        var results = await DownloaderHarness.RunAsync(
            DownloaderHarness.Options(temp.Out),
            new(server.Url("/sum.bin")) { OutName = "a.bin", Checksum = new Checksum(ChecksumAlgorithm.Sha256, TestData.Sha256(content)) },
            new(server.Url("/sum.bin")) { OutName = "b.bin", Checksum = new Checksum(ChecksumAlgorithm.Md5, md5) });

        results.ShouldAllBe(r => r.Status == DownloadStatus.Ok);
        TestData.FileSha256(Path.Combine(temp.Out, "a.bin")).ShouldBe(TestData.Sha256(content));
        TestData.FileSha256(Path.Combine(temp.Out, "b.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Download_ChecksumMismatch_FailsAndLeavesNoFile()
    {
        var content = TestData.Bytes(12_345, seed: 24);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/bad.bin", content);
        using var temp = new TempDirectory();
        var wrong = new string('0', 64);

        var result = await DownloaderHarness.RunOneAsync(
            DownloaderHarness.Options(temp.Out),
            new(server.Url("/bad.bin")) { Checksum = new Checksum(ChecksumAlgorithm.Sha256, wrong) });

        result.Status.ShouldBe(DownloadStatus.Failed);
        var error = result.Error.ShouldBeOfType<ChecksumException>();
        error.Actual.ShouldBe(TestData.Sha256(content));
        error.Expected.ShouldBe(wrong);
        temp.AllFiles().ShouldBeEmpty();
    }

    [Fact]
    public async Task Download_UnknownFileOfWrongLengthAtTarget_FetchedAgainAndReplaced()
    {
        var content = TestData.Bytes(57_919, seed: 24);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/keep.txt", content);
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        await File.WriteAllBytesAsync(Path.Combine(temp.Out, "keep.txt"), TestData.Bytes(8, seed: 25), TestContext.Current.CancellationToken);

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/keep.txt")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        result.Note.ShouldBe("replaced an existing file that did not match the server");
        result.Sha256.ShouldBe(TestData.Sha256(content));
        TestData.FileSha256(Path.Combine(temp.Out, "keep.txt")).ShouldBe(TestData.Sha256(content));
        temp.AllFiles().ShouldBe([Path.Combine("out", "keep.txt")]);
    }

    [Fact]
    public async Task Download_DirOptionWithDotDot_StaysInsideOutputDirectory()
    {
        var content = TestData.Bytes(999, seed: 26);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/f.bin", content);
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(
            DownloaderHarness.Options(temp.Out),
            new(server.Url("/f.bin")) { Directory = "../../sub/../../x", OutName = "z/y.bin" });

        result.Status.ShouldBe(DownloadStatus.Ok);
        temp.AllFiles().ShouldBe([Path.Combine("out", "sub", "x", "z", "y.bin")]);
        TestData.FileSha256(result.Path!).ShouldBe(TestData.Sha256(content));
    }

    [Theory]
    [InlineData("../y.bin")]
    [InlineData("a/../../y.bin")]
    [InlineData("/tmp/y.bin")]
    public async Task Download_OutNameLeavingTheDirectory_FailsInvalidUrlWithoutARequest(string outName)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/f.bin", TestData.Bytes(999, seed: 27));
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/f.bin")) { OutName = outName });

        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error!.Kind.ShouldBe(Haul.Errors.ErrorKind.InvalidUrl);
        server.Requests.ShouldBeEmpty();
        temp.AllFiles().ShouldBeEmpty();
    }
}
