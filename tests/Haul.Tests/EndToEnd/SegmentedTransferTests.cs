using System.Collections.Concurrent;
using System.Text.Json;
using Haul.Errors;
using Haul.Tests.Cli;

namespace Haul.Tests.EndToEnd;

public sealed class SegmentedTransferTests
{
    private const int MiB = 1024 * 1024;

    private static DownloadOptions Split(string directory, int connections) => DownloaderHarness.Options(directory) with
    {
        Connections = connections,
        MinSplitSize = MiB,
    };

    private static List<(long Start, long? End)> Ranges(LoopbackServer server, string path) =>
        server.Requests
            .Where(request => request.Path == path && request.Range is not null)
            .Select(request => LoopbackServer.ParseRange(request.Range!, long.MaxValue) is { } range
                ? (range.Start, request.Range!.EndsWith('-') ? (long?)null : range.End)
                : throw new InvalidOperationException($"odd range {request.Range}"))
            .ToList();

    [Theory]
    [InlineData(1, 3 * MiB)]
    [InlineData(2, (4 * MiB) + 123)]
    [InlineData(16, (16 * MiB) + 7)]
    [InlineData(5, (7 * MiB) + 333)]
    public async Task Download_SplitIntoPieces_BytesAreExact(int connections, int size)
    {
        var content = TestData.Bytes(size, seed: connections);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/big.bin", content);
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(Split(temp.Out, connections), new DownloadRequest(server.Url("/big.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
        result.Sha256.ShouldBe(TestData.Sha256(content));
        TestData.FileSha256(Path.Combine(temp.Out, "big.bin")).ShouldBe(TestData.Sha256(content));
        temp.AllFiles().ShouldBe([Path.Combine("out", "big.bin")]);
        var ranges = Ranges(server, "/big.bin");
        if (connections == 1)
        {
            ranges.ShouldBeEmpty();
            return;
        }

        // The first reply fetches the first piece; every other piece is asked for with a closed range and If-Range.
        ranges.Count.ShouldBeGreaterThanOrEqualTo(Math.Min(connections, size / MiB) - 1);
        ranges.ShouldAllBe(range => range.End != null);
        server.Requests.Where(request => request.Range is not null).ShouldAllBe(request => request.IfRange == "\"v1\"");
        server.BodyBytes.ShouldBeLessThan(2L * size);
    }

    [Theory]
    [InlineData((2 * MiB) - 1, true, true)] // smaller than two pieces
    [InlineData(6 * MiB, false, true)] // a server that ignores Range
    [InlineData(6 * MiB, true, false)] // no validator for If-Range
    public async Task Download_NotWorthOrNotSafeToSplit_IsOneStream(int size, bool honourRange, bool validator)
    {
        var content = TestData.Bytes(size);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/one.bin", (context, _) => server.ServeAsync(context, content, validator ? "\"v1\"" : null, honourRange));
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(Split(temp.Out, 8), new DownloadRequest(server.Url("/one.bin")));

        result.Sha256.ShouldBe(TestData.Sha256(content));
        server.Requests.Count.ShouldBe(1);
    }

    [Fact]
    public async Task Download_PieceConnectionDrops_ThatPieceResumesOnItsOwn()
    {
        var content = TestData.Bytes(8 * MiB);
        await using var server = await LoopbackServer.StartAsync();
        var dropped = 0;
        server.Map("/drop.bin", (context, _) =>
        {
            // The first request for the third piece loses its connection after 300 KB.
            var range = LoopbackServer.ParseRange(context.Request.Headers.Range.ToString(), content.Length);
            return range is { Start: 4 * MiB } && Interlocked.Exchange(ref dropped, 1) == 0
                ? server.ServeAsync(context, content, dropAfter: 300_000)
                : server.ServeAsync(context, content);
        });
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(Split(temp.Out, 4), new DownloadRequest(server.Url("/drop.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
        result.Sha256.ShouldBe(TestData.Sha256(content));
        TestData.FileSha256(Path.Combine(temp.Out, "drop.bin")).ShouldBe(TestData.Sha256(content));
        dropped.ShouldBe(1);

        // Only that piece was asked for again, from where it stopped (or its start), never the whole file.
        var retried = Ranges(server, "/drop.bin").Where(range => range.Start >= 4 * MiB && range.Start < 6 * MiB).ToList();
        retried.Count.ShouldBeGreaterThanOrEqualTo(2);
        server.Requests.Count(request => request.Range is null).ShouldBe(1);
    }

    [Fact]
    public async Task Download_ServerStopsHonouringRanges_StartsOverAsOneStream()
    {
        var content = TestData.Bytes((6 * MiB) + 5);
        await using var server = await LoopbackServer.StartAsync();
        var ranged = 0;
        server.Map("/flaky.bin", (context, _) =>
        {
            // Two range requests are served; after that the server answers every request with the whole file.
            var wantsRange = context.Request.Headers.Range.Count > 0;
            var honour = !wantsRange || Interlocked.Increment(ref ranged) <= 2;
            return server.ServeAsync(context, content, honourRange: honour);
        });
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(Split(temp.Out, 6), new DownloadRequest(server.Url("/flaky.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
        result.Sha256.ShouldBe(TestData.Sha256(content));
        TestData.FileSha256(Path.Combine(temp.Out, "flaky.bin")).ShouldBe(TestData.Sha256(content));
        ranged.ShouldBeGreaterThan(2);
        server.Requests.Count(request => request.Range is null).ShouldBe(2);
        temp.AllFiles().ShouldBe([Path.Combine("out", "flaky.bin")]);
    }

    [Fact]
    public async Task Download_FileChangesBetweenPieces_IfRangeCatchesItAndTheNewFileIsFetched()
    {
        var oldContent = TestData.Bytes(4 * MiB, seed: 1);
        var newContent = TestData.Bytes(4 * MiB, seed: 2);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/moving.bin", (context, hit) => hit == 1
            ? server.ServeAsync(context, oldContent, "\"old\"")
            : server.ServeAsync(context, newContent, "\"new\""));
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(Split(temp.Out, 2), new DownloadRequest(server.Url("/moving.bin")));

        result.Sha256.ShouldBe(TestData.Sha256(newContent));
        TestData.FileSha256(Path.Combine(temp.Out, "moving.bin")).ShouldBe(TestData.Sha256(newContent));
        server.Requests.Where(request => request.Range is not null).ShouldAllBe(request => request.IfRange == "\"old\"");
    }

    [Fact]
    public async Task Download_SlowPiece_IdleConnectionsStealItsBackHalf()
    {
        var content = TestData.Bytes(8 * MiB);
        await using var server = await LoopbackServer.StartAsync();
        var stolen = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Map("/slow.bin", async (context, _) =>
        {
            var range = LoopbackServer.ParseRange(context.Request.Headers.Range.ToString(), content.Length);
            if (range is { Start: > 2 * MiB and < 4 * MiB })
            {
                stolen.TrySetResult();
            }

            if (range is { Start: 2 * MiB } slow)
            {
                // The second piece sends a little, then holds until someone takes over its back half.
                LoopbackServer.StartReply(context, content.Length);
                await server.WriteBodyAsync(context, content.AsMemory((int)slow.Start, 64 * 1024));
                await context.Response.Body.FlushAsync();
                await stolen.Task.WaitAsync(context.RequestAborted);
                await server.WriteBodyAsync(context, content.AsMemory((int)slow.Start + (64 * 1024), (int)(slow.End + 1 - slow.Start) - (64 * 1024)));
                return;
            }

            await server.ServeAsync(context, content);
        });
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(Split(temp.Out, 4), new DownloadRequest(server.Url("/slow.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok, result.Error?.Message);
        result.Sha256.ShouldBe(TestData.Sha256(content));
        stolen.Task.IsCompleted.ShouldBeTrue();
    }

    [Fact]
    public async Task Download_CancelledMidway_NextRunResumesEachPiece()
    {
        var content = TestData.Bytes((12 * MiB) + 1000);
        await using var server = await LoopbackServer.StartAsync();
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Map("/resume.bin", async (context, _) =>
        {
            if (gate.Task.IsCompleted)
            {
                await server.ServeAsync(context, content);
                return;
            }

            // First run: each reply sends its first 512 KiB and then holds, until the run is stopped.
            var (start, end) = LoopbackServer.StartReply(context, content.Length);
            await server.WriteBodyAsync(context, content.AsMemory((int)start, 512 * 1024));
            await context.Response.Body.FlushAsync();
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
        });
        using var temp = new TempDirectory();
        var part = Path.Combine(temp.Out, "resume.bin.part");
        var options = Split(temp.Out, 3);

        using (var downloader = new Downloader(options))
        {
            var firstRun = Task.Run(async () =>
            {
                await foreach (var result in downloader.DownloadAsync(new[] { new DownloadRequest(server.Url("/resume.bin")) }.ToAsyncEnumerable(), cancel.Token))
                {
                    return result;
                }

                return null;
            });

            // Three pieces have their first 512 KiB on disk when the run is stopped.
            await Eventually.TrueAsync(() => downloader.GetProgress().BytesReceived >= 3 * 512 * 1024, "three pieces to have started");
            await cancel.CancelAsync();
            try
            {
                (await firstRun)?.Status.ShouldBe(DownloadStatus.Failed);
            }
            catch (OperationCanceledException)
            {
                // Stopping the enumeration may also surface as the cancellation itself.
            }
        }

        File.Exists(part).ShouldBeTrue();
        PieceProgress(part + ".meta").ShouldBe(3 * 512 * 1024);
        var saved = PieceMapOf(part + ".meta");

        gate.SetResult();
        var requestsBefore = server.Requests.Count;
        var resumed = await DownloaderHarness.RunOneAsync(options, new DownloadRequest(server.Url("/resume.bin")));

        resumed.Status.ShouldBe(DownloadStatus.Ok, resumed.Error?.Message);
        resumed.Sha256.ShouldBe(TestData.Sha256(content));
        TestData.FileSha256(Path.Combine(temp.Out, "resume.bin")).ShouldBe(TestData.Sha256(content));
        temp.AllFiles().ShouldBe([Path.Combine("out", "resume.bin")]);

        // The second run asked only for what each piece still missed: no request from zero, nothing fetched twice.
        var second = server.Requests.Skip(requestsBefore).ToList();
        second.ShouldAllBe(request => request.Range != null && request.IfRange == "\"v1\"");
        var asked = second.Select(request => LoopbackServer.ParseRange(request.Range!, content.Length)!.Value).ToList();
        foreach (var piece in saved)
        {
            if (piece.Written < piece.End)
            {
                asked.ShouldContain(range => range.Start == piece.Written);
            }

            asked.ShouldNotContain(range => range.Start < piece.Written && range.End >= piece.Start, $"bytes {piece.Start}-{piece.Written} were already written");
        }
    }

    [Fact]
    public async Task Haul_KilledDuringSplitDownload_NextRunResumesThePieces()
    {
        var content = TestData.Bytes((10 * MiB) + 17);
        await using var server = await LoopbackServer.StartAsync();
        var fullSpeed = 0;
        var offsetsAfterKill = new ConcurrentBag<long>();
        server.Map("/killed.bin", async (context, _) =>
        {
            var range = LoopbackServer.ParseRange(context.Request.Headers.Range.ToString(), content.Length);
            if (Volatile.Read(ref fullSpeed) == 1)
            {
                offsetsAfterKill.Add(range?.Start ?? 0);
                await server.ServeAsync(context, content);
                return;
            }

            // Before the kill: a trickle, so the process is killed with every piece part-way.
            var (start, end) = LoopbackServer.StartReply(context, content.Length);
            for (var at = start; at <= end && !context.RequestAborted.IsCancellationRequested; at += 32 * 1024)
            {
                await server.WriteBodyAsync(context, content.AsMemory((int)at, (int)Math.Min(32 * 1024, end + 1 - at)));
                await context.Response.Body.FlushAsync();
                await Task.Delay(20, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            }
        });
        using var temp = new TempDirectory();
        var part = Path.Combine(temp.Out, "killed.bin.part");
        string[] args = ["get", server.Url("/killed.bin"), "-d", temp.Out, "-x", "4", "--min-split-size", "1M", "-q"];

        using (var haul = HaulProcess.Start(args))
        {
            await Eventually.TrueAsync(() => PieceProgress(part + ".meta") >= 4 * 64 * 1024 || haul.HasExited, "the piece map to record progress");
            haul.KillHard();
            await haul.WaitForExitAsync();
        }

        var saved = PieceMapOf(part + ".meta");
        saved.Count.ShouldBe(4);
        Volatile.Write(ref fullSpeed, 1);
        using (var again = HaulProcess.Start(args))
        {
            (await again.WaitForExitAsync()).ShouldBe(0, again.Error);
        }

        TestData.FileSha256(Path.Combine(temp.Out, "killed.bin")).ShouldBe(TestData.Sha256(content));
        temp.AllFiles().ShouldBe([Path.Combine("out", "killed.bin")]);
        offsetsAfterKill.ShouldNotContain(0L);
        foreach (var piece in saved.Where(piece => piece.Written < piece.End))
        {
            offsetsAfterKill.ShouldContain(piece.Written);
        }
    }

    private sealed record SavedPiece(long Start, long Written, long End);

    private static List<SavedPiece> PieceMapOf(string metaPath)
    {
        using var document = JsonDocument.Parse(File.ReadAllBytes(metaPath));
        return document.RootElement.GetProperty("pieces").EnumerateArray()
            .Select(piece => new SavedPiece(piece.GetProperty("start").GetInt64(), piece.GetProperty("written").GetInt64(), piece.GetProperty("end").GetInt64()))
            .ToList();
    }

    /// <summary>Bytes the saved piece map says are written; 0 while there is no readable map.</summary>
    private static long PieceProgress(string metaPath)
    {
        try
        {
            return PieceMapOf(metaPath).Sum(piece => piece.Written - piece.Start);
        }
        catch (Exception ex) when (ex is IOException or JsonException or KeyNotFoundException)
        {
            return 0;
        }
    }
}
