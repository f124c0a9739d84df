using System.Collections.Concurrent;
using System.Text.Json;
using Haul.Errors;
using Haul.Storage;
using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;
using Haul.Tests.Http;
using Haul.Transfer;

namespace Haul.Tests.Transfer;

/// <summary>
/// A plain HTTP/1.x body by length moves from the socket into the .part (splice(2)) instead of
/// through a buffer. End to end: the bytes on disk and the SHA-256 reported are exact whether the
/// body moved or not, and whatever the server does mid-body (lies, stalls, keeps the connection
/// for the next reply); the transfer's count of moved bytes proves the move happened.
/// </summary>
public sealed partial class BodyMoveTests
{
    /// <summary>What a body may bring through a buffer although offered to move: the bytes the handler read together with the head.</summary>
    private const int HeldWithHead = 64 * 1024;

    private const string ETag = "\"m1\"";

    private static CancellationToken Token => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Download_LargeBodyOverPlainHttp_MovedIntoTheFileExactly()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        const int Length = (12 * 1024 * 1024) + 7;
        var body = TestData.Bytes(Length, seed: 401);
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of(Ok(Length), body));
        using var temp = new TempDirectory();
        using var session = new MoveSession(Options(temp.Out));

        var result = (await session.RunAsync(Token, new DownloadRequest(server.Url("/big.bin")))).ShouldHaveSingleItem();

        ShouldBeExact(result, body, Path.Combine(temp.Out, "big.bin"));
        result.Attempts.ShouldBe(1);
        session.BytesMoved.ShouldBeInRange(Length - HeldWithHead, Length);
    }

    [Fact]
    public async Task Download_TwoLargeFilesOnOneKeptAliveConnection_BothMovedExactly()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        var one = TestData.Bytes((9 * 1024 * 1024) + 1, seed: 402);
        var two = TestData.Bytes((10 * 1024 * 1024) + 3, seed: 403);
        await using var server = RawLoopbackServer.Start(request => request.Target switch
        {
            "/one.bin" => RawReply.Of(Ok(one.Length), one, keepAlive: true),
            "/two.bin" => RawReply.Of(Ok(two.Length), two, keepAlive: true),
            _ => RawReply.Of("HTTP/1.1 404 Not Found\r\nContent-Length: 0", keepAlive: true),
        });
        using var temp = new TempDirectory();
        using var session = new MoveSession(Options(temp.Out) with { MaxConcurrent = 1, MaxPerHost = 1 });

        var results = await session.RunAsync(Token, new DownloadRequest(server.Url("/one.bin")), new DownloadRequest(server.Url("/two.bin")));

        results.Count.ShouldBe(2);
        ShouldBeExact(results.Single(r => r.Url.EndsWith("/one.bin", StringComparison.Ordinal)), one, Path.Combine(temp.Out, "one.bin"));
        ShouldBeExact(results.Single(r => r.Url.EndsWith("/two.bin", StringComparison.Ordinal)), two, Path.Combine(temp.Out, "two.bin"));
        server.Requests.Select(r => (r.Connection, r.Target)).ShouldBe([(1, "/one.bin"), (1, "/two.bin")]);
        server.Connections.ShouldBe(1);

        // More than the first body: the second one, read after a reply on the same connection, moved too.
        session.BytesMoved.ShouldBeInRange(one.Length + two.Length - (2 * HeldWithHead), one.Length + two.Length);
    }

    [Fact]
    public async Task Download_ServerClosesAtHalfTheAnnouncedLength_RetryResumesFromExactlyTheBytesOnDisk()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        const int Length = (8 * 1024 * 1024) + 5;
        const int Sent = Length / 2;
        var body = TestData.Bytes(Length, seed: 404);
        await using var server = RawLoopbackServer.Start(request => request.Header("Range") is { } range
            ? RangeReply(body, range)
            : RawReply.Of(Ok(Length), body[..Sent]));
        using var temp = new TempDirectory();
        using var session = new MoveSession(Options(temp.Out));

        var result = (await session.RunAsync(Token, new DownloadRequest(server.Url("/lie.bin")))).ShouldHaveSingleItem();

        ShouldBeExact(result, body, Path.Combine(temp.Out, "lie.bin"));
        result.Attempts.ShouldBe(2);
        var retry = session.Retries.ShouldHaveSingleItem();
        retry.Kind.ShouldBe(ErrorKind.Protocol);
        retry.Reason.ShouldContain($"dropped after {Sent} of {Length} bytes");
        server.Requests.Select(r => r.Header("Range")).ShouldBe([null, $"bytes={Sent}-"]);
        server.Requests.Last().Header("If-Range").ShouldBe(ETag);

        // Both attempts moved: more than the first half alone.
        session.BytesMoved.ShouldBeInRange(Length - (2 * HeldWithHead), Length);
    }

    [Fact]
    public async Task Download_ServerStallsMidBody_IdleTimeoutThenTheRestByRange()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        const int Length = (8 * 1024 * 1024) + 9;
        const int Sent = (3 * 1024 * 1024) + 1;
        var body = TestData.Bytes(Length, seed: 405);

        // Kept alive, the connection stays open after the first part, waiting for a request that never comes.
        await using var server = RawLoopbackServer.Start(request => request.Header("Range") is { } range
            ? RangeReply(body, range)
            : RawReply.Of(Ok(Length), body[..Sent], keepAlive: true));
        using var temp = new TempDirectory();
        using var session = new MoveSession(Options(temp.Out) with { IdleTimeout = TimeSpan.FromSeconds(1) });

        var result = (await session.RunAsync(Token, new DownloadRequest(server.Url("/stall.bin")))).ShouldHaveSingleItem();

        ShouldBeExact(result, body, Path.Combine(temp.Out, "stall.bin"));
        result.Attempts.ShouldBe(2);
        session.Retries.ShouldHaveSingleItem().Kind.ShouldBe(ErrorKind.Timeout);

        // The retry asks for the rest after what is on disk: everything sent, unless a loaded
        // machine let the 1 s pass between two reads before the stall (then less, and still exact).
        var ranges = server.Requests.Select(r => r.Header("Range")).ToList();
        ranges.Count.ShouldBe(2);
        ranges[0].ShouldBeNull();
        var from = long.Parse(ranges[1].ShouldNotBeNull()["bytes=".Length..^1], System.Globalization.CultureInfo.InvariantCulture);
        from.ShouldBeInRange(1, Sent);
        session.BytesMoved.ShouldBeInRange(Length - (2 * HeldWithHead), Length);
    }

    [Theory]
    [InlineData((8 * 1024 * 1024) + 1)] // gathered: written from the buffer
    [InlineData((int)PartCommit.ReadBackLimit + (1024 * 1024) + 1)] // past the read-back limit: the installed tool moves it
    public async Task Get_FilePastTheProcessFileSizeLimit_FailsAsStorageErrorNotNetwork(int length)
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "prlimit and splice(2) are Linux only");
        const int Limit = (3 * 1024 * 1024) + 17;
        var body = TestData.Bytes(length, seed: 406);
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of(Ok(length), body));
        using var temp = new TempDirectory();

        // The file-size cap makes the .part refuse bytes past it, as a full disk would, in that process only.
        using var haul = HaulProcess.StartWithFileSizeLimit(Limit, "get", server.Url("/capped.bin"), "-d", temp.Out, "--json", "--retries", "3");
        var exit = await haul.WaitForExitAsync();

        exit.ShouldBe(1, haul.Error);
        using var line = JsonDocument.Parse(haul.Out.Trim());
        var root = line.RootElement;
        root.GetProperty("status").GetString().ShouldBe("failed");
        root.GetProperty("attempts").GetInt32().ShouldBe(1); // a disk fault is not retried as a network one would be
        var error = root.GetProperty("error");
        error.GetProperty("kind").GetString().ShouldBe("io");

        // Refused bytes of a move come back through the buffer, whose write then meets the file's own error (EFBIG).
        var message = error.GetProperty("message").GetString().ShouldNotBeNull();
        message.ShouldContain("capped.bin.part");
        message.ShouldContain("largest size its file system, or this process's file size limit, allows");
        message.ShouldNotContain("Parameter");
        haul.Error.ShouldNotContain("Exception");
        var part = await File.ReadAllBytesAsync(Path.Combine(temp.Out, "capped.bin.part"), Token);
        part.Length.ShouldBeLessThanOrEqualTo(Limit);
        part.Length.ShouldBeGreaterThan(MoveAbove);
        TestData.Sha256(part).ShouldBe(TestData.Sha256(body[..part.Length]));
        File.Exists(Path.Combine(temp.Out, "capped.bin")).ShouldBeFalse();
    }

    [Fact]
    public async Task Get_SplitDownloadPastTheProcessFileSizeLimit_FailsAsStorageErrorWithASentence()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "prlimit is Linux only");
        const int Length = 8 * 1024 * 1024;
        const int Limit = (3 * 1024 * 1024) + 17;
        var body = TestData.Bytes(Length, seed: 418);
        await using var server = RawLoopbackServer.Start(request => request.Header("Range") is { } range
            ? RangeReply(body, range)
            : RawReply.Of(Ok(Length), body));
        using var temp = new TempDirectory();

        // Pieces are written into a .part sized to the whole file first: the size itself passes the cap.
        using var haul = HaulProcess.StartWithFileSizeLimit(Limit, "get", server.Url("/split.bin"), "-d", temp.Out, "-x", "4", "--min-split-size", "1M", "--json");
        var exit = await haul.WaitForExitAsync();

        exit.ShouldBe(1, haul.Error);
        using var line = JsonDocument.Parse(haul.Out.Trim());
        var error = line.RootElement.GetProperty("error");
        error.GetProperty("kind").GetString().ShouldBe("io");
        var message = error.GetProperty("message").GetString().ShouldNotBeNull();
        message.ShouldContain("split.bin.part");
        message.ShouldContain("largest size its file system, or this process's file size limit, allows");
        message.ShouldNotContain("Parameter");
        haul.Error.ShouldNotContain("Exception");
        File.Exists(Path.Combine(temp.Out, "split.bin")).ShouldBeFalse();
    }

    [Fact]
    public async Task Download_CancelledWhileTheServerHoldsTheBody_EndsPromptlyWithThePrefixOnDisk()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        const int Length = 16 * 1024 * 1024;
        const int Sent = (6 * 1024 * 1024) + 11;
        var body = TestData.Bytes(Length, seed: 407);
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of(Ok(Length), body[..Sent], keepAlive: true));
        using var temp = new TempDirectory();
        var part = Path.Combine(temp.Out, "held.bin.part");
        var unobserved = new ConcurrentQueue<Exception>();
        EventHandler<UnobservedTaskExceptionEventArgs> record = (_, e) => unobserved.Enqueue(e.Exception);
        TaskScheduler.UnobservedTaskException += record;
        try
        {
            using (var cancel = CancellationTokenSource.CreateLinkedTokenSource(Token))
            using (var session = new MoveSession(Options(temp.Out)))
            {
                var run = Task.Run(() => session.RunAsync(cancel.Token, new DownloadRequest(server.Url("/held.bin"))), Token);

                // Every byte sent is on disk, moved there, and the next move waits on the socket.
                await Eventually.TrueAsync(() => session.BytesMoved > 0 && new FileInfo(part) is { Exists: true, Length: >= Sent }, "the sent part of the body on disk");

                // Past the first MiB moved, before the read that took the rest: a crash now could resume.
                File.Exists(part + ".meta").ShouldBeTrue();
                await cancel.CancelAsync();

                await Should.ThrowAsync<OperationCanceledException>(() => run.WaitAsync(TimeSpan.FromSeconds(60), Token));
                session.BytesMoved.ShouldBeInRange(Sent - HeldWithHead, Sent);
            }

            var kept = await File.ReadAllBytesAsync(part, Token);
            kept.Length.ShouldBe(Sent);
            TestData.Sha256(kept).ShouldBe(TestData.Sha256(body[..Sent]));

            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            unobserved.Where(e => e.ToString().Contains("Haul.Transfer", StringComparison.Ordinal)).ShouldBeEmpty();
        }
        finally
        {
            TaskScheduler.UnobservedTaskException -= record;
        }
    }

    [Fact]
    public async Task Download_PartOfThreeMiBResumedInALaterRun_RestMovedToItsOffset()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        const int Length = (9 * 1024 * 1024) + 3;
        const int Kept = 3 * 1024 * 1024;
        var body = TestData.Bytes(Length, seed: 408);
        await using var server = RawLoopbackServer.Start(request => request.Header("Range") is { } range
            ? RangeReply(body, range)
            : RawReply.Of(Ok(Length), body[..Kept]));
        using var temp = new TempDirectory();
        var part = Path.Combine(temp.Out, "later.bin.part");
        var request = new DownloadRequest(server.Url("/later.bin"));

        // A first run that gives up leaves the first 3 MiB in the .part, with its validators.
        using (var first = new MoveSession(Options(temp.Out) with { Retries = 0 }))
        {
            (await first.RunAsync(Token, request)).ShouldHaveSingleItem().Status.ShouldBe(DownloadStatus.Failed);
        }

        TestData.FileSha256(part).ShouldBe(TestData.Sha256(body[..Kept]));

        using var second = new MoveSession(Options(temp.Out) with { Retries = 0 });
        var result = (await second.RunAsync(Token, request)).ShouldHaveSingleItem();

        ShouldBeExact(result, body, Path.Combine(temp.Out, "later.bin"));
        server.Requests.Select(r => r.Header("Range")).ShouldBe([null, $"bytes={Kept}-"]);
        second.BytesMoved.ShouldBeInRange(Length - Kept - HeldWithHead, Length - Kept);
    }

    [Theory]
    [InlineData("chunked")]
    [InlineData("to-close")]
    public async Task Download_LargeBodyTheConnectionCannotMove_GatheredExactly(string framing)
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        const int Length = (8 * 1024 * 1024) + 21;
        var body = TestData.Bytes(Length, seed: 409);
        var reply = framing == "chunked"
            ? RawReply.Of("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked", Chunked(body, 100_000))
            : RawReply.Of("HTTP/1.1 200 OK\r\nConnection: close", body);
        await using var server = RawLoopbackServer.Start(_ => reply);
        using var temp = new TempDirectory();
        using var session = new MoveSession(Options(temp.Out));

        var result = (await session.RunAsync(Token, new DownloadRequest(server.Url("/framed.bin")))).ShouldHaveSingleItem();

        ShouldBeExact(result, body, Path.Combine(temp.Out, "framed.bin"));
        session.BytesMoved.ShouldBe(0);
    }

    [Fact]
    public async Task Download_LargeBodyOverHttps_GatheredExactly()
    {
        const int Length = (8 * 1024 * 1024) + 23;
        var body = TestData.Bytes(Length, seed: 410);
        using var certificates = TestCertificates.Create();
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of(Ok(Length), body), certificates.Server);
        using var temp = new TempDirectory();
        var options = Options(temp.Out) with { Http = new Haul.Http.HttpOptions { CaCertificateFile = certificates.WriteAuthorityPem(temp.Root) } };
        using var session = new MoveSession(options);

        var result = (await session.RunAsync(Token, new DownloadRequest(server.Url("/tls.bin")))).ShouldHaveSingleItem();

        ShouldBeExact(result, body, Path.Combine(temp.Out, "tls.bin"));
        session.BytesMoved.ShouldBe(0);
    }

    [Fact]
    public async Task Download_SameBodyMovedOrGathered_IdenticalFilesAndSha256()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        const int Length = (10 * 1024 * 1024) + 77;
        var body = TestData.Bytes(Length, seed: 411);
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of(Ok(Length), body));
        using var temp = new TempDirectory();
        var movedDirectory = Path.Combine(temp.Root, "moved");
        var gatheredDirectory = Path.Combine(temp.Root, "gathered");

        using var moving = new MoveSession(Options(movedDirectory), moveToFile: true);
        var moved = (await moving.RunAsync(Token, new DownloadRequest(server.Url("/same.bin")))).ShouldHaveSingleItem();
        using var gathering = new MoveSession(Options(gatheredDirectory), moveToFile: false);
        var gathered = (await gathering.RunAsync(Token, new DownloadRequest(server.Url("/same.bin")))).ShouldHaveSingleItem();

        ShouldBeExact(moved, body, Path.Combine(movedDirectory, "same.bin"));
        ShouldBeExact(gathered, body, Path.Combine(gatheredDirectory, "same.bin"));
        moved.Sha256.ShouldBe(gathered.Sha256);
        moved.Bytes.ShouldBe(gathered.Bytes);
        var movedBytes = await File.ReadAllBytesAsync(Path.Combine(movedDirectory, "same.bin"), Token);
        var gatheredBytes = await File.ReadAllBytesAsync(Path.Combine(gatheredDirectory, "same.bin"), Token);
        movedBytes.AsSpan().SequenceEqual(gatheredBytes).ShouldBeTrue();
        moving.BytesMoved.ShouldBeInRange(Length - HeldWithHead, Length);
        gathering.BytesMoved.ShouldBe(0);
    }

    [Fact]
    public async Task Download_LargeHeadThenABodyTheHandlerPartlyHeld_StillMovesAndIsExact()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        const int Length = (8 * 1024 * 1024) + 9;
        var body = TestData.Bytes(Length, seed: 417);
        var padding = new string('a', 40_000);
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of($"{Ok(Length)}\r\nX-Padding: {padding}", body));
        using var temp = new TempDirectory();
        using var session = new MoveSession(Options(temp.Out));

        var result = (await session.RunAsync(Token, new DownloadRequest(server.Url("/padded.bin")))).ShouldHaveSingleItem();

        // The handler read body bytes with the 40 KB head and serves them over more than one read
        // from its own buffer: those reads say nothing about the connection, which still moves.
        ShouldBeExact(result, body, Path.Combine(temp.Out, "padded.bin"));
        session.BytesMoved.ShouldBeInRange(Length - (2 * HeldWithHead), Length);
    }

    [Fact]
    public async Task Download_LargeBodyUnderAPerFileRateLimit_StillMovesAndIsExact()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        const int Length = (3 * 1024 * 1024) + 5;
        var body = TestData.Bytes(Length, seed: 416);
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of(Ok(Length), body));
        using var temp = new TempDirectory();

        // 32 MiB/s: the token bucket slices each read, and the slice of a file-bound room still moves.
        using var session = new MoveSession(Options(temp.Out) with { PerFileRateLimit = 32L * 1024 * 1024 });
        var result = (await session.RunAsync(Token, new DownloadRequest(server.Url("/limited.bin")))).ShouldHaveSingleItem();

        ShouldBeExact(result, body, Path.Combine(temp.Out, "limited.bin"));
        session.BytesMoved.ShouldBeInRange(Length - HeldWithHead, Length);
    }

    [Theory]
    [InlineData(MoveAbove, false)]
    [InlineData(MoveAbove + 1, true)]
    public async Task Download_BodyAroundTheMoveThreshold_MovedOnlyPastItAndExactEitherWay(int length, bool moves)
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        var body = TestData.Bytes(length, seed: 414);
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of(Ok(length), body));
        using var temp = new TempDirectory();
        using var session = new MoveSession(Options(temp.Out));

        var result = (await session.RunAsync(Token, new DownloadRequest(server.Url("/edge.bin")))).ShouldHaveSingleItem();

        ShouldBeExact(result, body, Path.Combine(temp.Out, "edge.bin"));
        if (moves)
        {
            session.BytesMoved.ShouldBeInRange(length - HeldWithHead, length);
        }
        else
        {
            session.BytesMoved.ShouldBe(0);
        }
    }

    [Fact]
    public async Task Download_ServerSendsBytesPastItsLength_FileHoldsExactlyTheAnnouncedBody()
    {
        Assert.SkipUnless(SplicePipe.IsSupported, "splice(2) is Linux only");
        const int Length = (4 * 1024 * 1024) + 1;
        var body = TestData.Bytes(Length, seed: 412);
        var extra = TestData.Bytes(300_000, seed: 413);
        await using var server = RawLoopbackServer.Start(_ => RawReply.Of(Ok(Length), [.. body, .. extra]));
        using var temp = new TempDirectory();
        using var session = new MoveSession(Options(temp.Out));

        var result = (await session.RunAsync(Token, new DownloadRequest(server.Url("/over.bin")))).ShouldHaveSingleItem();

        ShouldBeExact(result, body, Path.Combine(temp.Out, "over.bin"));
        session.BytesMoved.ShouldBeInRange(Length - HeldWithHead, Length);
    }
}
