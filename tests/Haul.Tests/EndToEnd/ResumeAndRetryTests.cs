using Haul.Errors;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.EndToEnd;

public sealed class ResumeAndRetryTests
{
    [Fact]
    public async Task Download_ConnectionDroppedMidBody_ResumesWithRangeAndIfRange()
    {
        var content = TestData.Bytes(1024 * 1024);
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        server.Map("/big.bin", (context, hit) =>
            server.ServeAsync(context, content, "\"e1\"", dropAfter: hit == 1 ? 400_000 : null, partPath: Path.Combine(temp.Out, "big.bin.part")));

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/big.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        result.Attempts.ShouldBe(2);
        result.Sha256.ShouldBe(TestData.Sha256(content));
        TestData.FileSha256(Path.Combine(temp.Out, "big.bin")).ShouldBe(TestData.Sha256(content));
        var retry = server.Requests.Last();
        retry.Range.ShouldBe("bytes=400000-");
        retry.IfRange.ShouldBe("\"e1\"");
        server.BodyBytes.ShouldBeLessThan(2L * content.Length);
        temp.AllFiles().ShouldBe([Path.Combine("out", "big.bin")]);
    }

    [Fact]
    public async Task Download_BodyShorterThanContentLength_RetriesAndCompletes()
    {
        var content = TestData.Bytes(100_000, seed: 2);
        using var temp = new TempDirectory();
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/short.bin", async (context, hit) =>
        {
            if (hit == 1)
            {
                // Announce the full length, send 60 %, and end the response as if it were done.
                context.Response.Headers.ETag = "\"s\"";
                context.Response.ContentLength = content.Length;
                await server.WriteBodyAsync(context, content.AsMemory(0, 60_000));
                await context.Response.Body.FlushAsync();
                await Eventually.FileReachesAsync(Path.Combine(temp.Out, "short.bin.part"), 60_000);
                return;
            }

            await server.ServeAsync(context, content, "\"s\"");
        });

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/short.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        result.Attempts.ShouldBe(2);
        server.Requests.Last().Range.ShouldBe("bytes=60000-");
        TestData.FileSha256(Path.Combine(temp.Out, "short.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Download_ShortBodyEveryTime_FailsAsProtocolAndKeepsPart()
    {
        var content = TestData.Bytes(50_000, seed: 3);
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        server.Map("/always-short.bin", (context, _) =>
            server.ServeAsync(context, content, "\"a\"", honourRange: false, dropAfter: 10_000, partPath: Path.Combine(temp.Out, "always-short.bin.part")));

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out) with { Retries = 2 }, new(server.Url("/always-short.bin")));

        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error.ShouldBeOfType<ProtocolException>().Kind.ShouldBe(ErrorKind.Protocol);
        result.Attempts.ShouldBe(3);
        File.Exists(Path.Combine(temp.Out, "always-short.bin")).ShouldBeFalse();
        temp.AllFiles().ShouldBe([Path.Combine("out", "always-short.bin.part"), Path.Combine("out", "always-short.bin.part.meta")]);
    }

    [Fact]
    public async Task Download_503WithRetryAfter_WaitsThenSucceeds()
    {
        var content = TestData.Bytes(20_000, seed: 4);
        await using var server = await LoopbackServer.StartAsync();
        var firstAt = DateTimeOffset.MinValue;
        var secondAt = DateTimeOffset.MinValue;
        server.Map("/busy.bin", async (context, hit) =>
        {
            if (hit == 1)
            {
                firstAt = DateTimeOffset.UtcNow;
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "1";
                return;
            }

            secondAt = DateTimeOffset.UtcNow;
            await server.ServeAsync(context, content);
        });
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/busy.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        result.Attempts.ShouldBe(2);
        TestData.FileSha256(Path.Combine(temp.Out, "busy.bin")).ShouldBe(TestData.Sha256(content));
        // A lower bound only: the retry must not come before the server allowed it.
        (secondAt - firstAt).ShouldBeGreaterThanOrEqualTo(TimeSpan.FromMilliseconds(950));
    }

    [Fact]
    public async Task Download_429WithRetryAfterZero_RetriesAndSucceeds()
    {
        var content = TestData.Bytes(5_000, seed: 5);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/limited.bin", async (context, hit) =>
        {
            if (hit <= 2)
            {
                context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
                context.Response.Headers.RetryAfter = "0";
                return;
            }

            await server.ServeAsync(context, content);
        });
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/limited.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        result.Attempts.ShouldBe(3);
        TestData.FileSha256(Path.Combine(temp.Out, "limited.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Download_ServerIgnoresRange_RestartsFromZeroWithoutSplice()
    {
        var content = TestData.Bytes(300_000, seed: 6);
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        server.Map("/norange.bin", (context, hit) =>
            server.ServeAsync(context, content, "\"n\"", honourRange: false, dropAfter: hit == 1 ? 100_000 : null, partPath: Path.Combine(temp.Out, "norange.bin.part")));

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/norange.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        server.Requests.Last().Range.ShouldNotBeNull();
        TestData.FileSha256(Path.Combine(temp.Out, "norange.bin")).ShouldBe(TestData.Sha256(content));
        result.Bytes.ShouldBe(content.Length);
    }

    [Fact]
    public async Task Download_FileChangesBetweenAttempts_ResultIsTheNewContent()
    {
        var oldContent = TestData.Bytes(200_000, seed: 7);
        var newContent = TestData.Bytes(250_000, seed: 8);
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        server.Map("/changing.bin", (context, hit) => hit == 1
            ? server.ServeAsync(context, oldContent, "\"old\"", dropAfter: 120_000, partPath: Path.Combine(temp.Out, "changing.bin.part"))
            : server.ServeAsync(context, newContent, "\"new\""));

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/changing.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        server.Requests.Last().IfRange.ShouldBe("\"old\"");
        TestData.FileSha256(Path.Combine(temp.Out, "changing.bin")).ShouldBe(TestData.Sha256(newContent));
        result.Sha256.ShouldBe(TestData.Sha256(newContent));
    }

    [Fact]
    public async Task Download_StalledTransfer_IdleTimeoutFiresAndRetryResumes()
    {
        var content = TestData.Bytes(80_000, seed: 9);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/stall.bin", (context, hit) => hit == 1
            ? server.ServeThenStallAsync(context, content, 30_000, "\"st\"")
            : server.ServeAsync(context, content, "\"st\""));
        using var temp = new TempDirectory();
        var options = DownloaderHarness.Options(temp.Out) with { IdleTimeout = TimeSpan.FromSeconds(1) };

        var result = await DownloaderHarness.RunOneAsync(options, new(server.Url("/stall.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        result.Attempts.ShouldBe(2);
        server.Requests.Last().Range.ShouldBe("bytes=30000-");
        TestData.FileSha256(Path.Combine(temp.Out, "stall.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Download_StalledWithoutRetries_FailsWithTimeoutKind()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/hang", (context, _) => server.ServeThenStallAsync(context, TestData.Bytes(10), 0));
        using var temp = new TempDirectory();
        var options = DownloaderHarness.Options(temp.Out) with { IdleTimeout = TimeSpan.FromSeconds(1), Retries = 0 };

        var result = await DownloaderHarness.RunOneAsync(options, new(server.Url("/hang")));

        result.Status.ShouldBe(DownloadStatus.Failed);
        result.Error.ShouldBeOfType<TransferTimeoutException>().Kind.ShouldBe(ErrorKind.Timeout);
        File.Exists(Path.Combine(temp.Out, "hang")).ShouldBeFalse();
    }

    [Fact]
    public async Task Download_PartFromEarlierRun_ResumesAcrossRuns()
    {
        var content = TestData.Bytes(500_000, seed: 10);
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        server.Map("/resume.bin", (context, hit) =>
            server.ServeAsync(context, content, "\"r\"", dropAfter: hit == 1 ? 200_000 : null, partPath: Path.Combine(temp.Out, "resume.bin.part")));
        var options = DownloaderHarness.Options(temp.Out) with { Retries = 0 };

        var first = await DownloaderHarness.RunOneAsync(options, new(server.Url("/resume.bin")));
        first.Status.ShouldBe(DownloadStatus.Failed);
        var partLength = new FileInfo(Path.Combine(temp.Out, "resume.bin.part")).Length;
        partLength.ShouldBeGreaterThan(0);

        var second = await DownloaderHarness.RunOneAsync(options, new(server.Url("/resume.bin")));

        second.Status.ShouldBe(DownloadStatus.Ok);
        partLength.ShouldBe(200_000);
        server.Requests.Last().Range.ShouldBe("bytes=200000-");
        server.Requests.Last().IfRange.ShouldBe("\"r\"");
        TestData.FileSha256(Path.Combine(temp.Out, "resume.bin")).ShouldBe(TestData.Sha256(content));
        second.Sha256.ShouldBe(TestData.Sha256(content));
        temp.AllFiles().ShouldBe([Path.Combine("out", "resume.bin")]);
    }

    [Fact]
    public async Task Download_PartWithoutMetadata_RestartsFromZero()
    {
        var content = TestData.Bytes(40_000, seed: 12);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/orphan.bin", content, "\"o\"");
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);

        // What a kill -9 leaves of a small download: bytes, but no validators to resume them safely.
        await File.WriteAllBytesAsync(Path.Combine(temp.Out, "orphan.bin.part"), TestData.Bytes(5_000, seed: 13), TestContext.Current.CancellationToken);

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/orphan.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        server.Requests.ShouldHaveSingleItem().Range.ShouldBeNull();
        TestData.FileSha256(Path.Combine(temp.Out, "orphan.bin")).ShouldBe(TestData.Sha256(content));
        temp.AllFiles().ShouldBe([Path.Combine("out", "orphan.bin")]);
    }

    [Fact]
    public async Task Download_LargeBodyInFlight_MetadataIsOnDiskBeforeItEnds()
    {
        var content = TestData.Bytes(3 * 1024 * 1024, seed: 14);
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        var meta = Path.Combine(temp.Out, "large.bin.part.meta");
        server.Map("/large.bin", async (context, _) =>
        {
            context.Response.Headers.ETag = "\"l\"";
            context.Response.ContentLength = content.Length;
            await server.WriteBodyAsync(context, content.AsMemory(0, 2 * 1024 * 1024));
            await context.Response.Body.FlushAsync();

            // A crash from here on must leave a resumable .part: the validators are already saved.
            await Eventually.TrueAsync(() => File.Exists(meta), "the .part.meta file");
            await server.WriteBodyAsync(context, content.AsMemory(2 * 1024 * 1024));
        });

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/large.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        TestData.FileSha256(Path.Combine(temp.Out, "large.bin")).ShouldBe(TestData.Sha256(content));
        temp.AllFiles().ShouldBe([Path.Combine("out", "large.bin")]);
    }
}
