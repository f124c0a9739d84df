using Haul.Storage;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Cli;

/// <summary>The flags users of wget, aria2 and curl type, through the real parser, with the bytes on disk checked.</summary>
public sealed class AnchorFlagTests
{
    [Fact]
    public async Task Get_WgetSpellings_ContinueDirPrefixTimeoutTimestamping_SavesUnderThePrefix()
    {
        var content = TestData.Bytes(5000, seed: 140);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/w.bin", content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/w.bin"), "-c", "-P", temp.Out, "-T", "30", "-N", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "w.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_TriesOne_TransientFailure_FailsAfterOneAttempt()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/flaky.bin", (context, _) =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/flaky.bin"), "-d", temp.Out, "-t", "1", "--json");

        run.ExitCode.ShouldBe(1);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("attempts").GetInt32().ShouldBe(1);
        server.Hits("/flaky.bin").ShouldBe(1);
    }

    [Fact]
    public async Task Get_TriesThreeRetryWaitZero_TwoFailures_SucceedsOnTheThirdTry()
    {
        var content = TestData.Bytes(4000, seed: 141);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/flaky.bin", (context, hit) =>
        {
            if (hit < 3)
            {
                context.Response.StatusCode = 503;
                return Task.CompletedTask;
            }

            return server.ServeAsync(context, content);
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/flaky.bin"), "-d", temp.Out, "--tries", "3", "--retry-wait", "0", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("attempts").GetInt32().ShouldBe(3);
        TestData.FileSha256(Path.Combine(temp.Out, "flaky.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_TriesOneWithRetriesInTheConfigFile_TriesWins()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/flaky.bin", (context, _) =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        using var temp = new TempDirectory();
        var config = Path.Combine(temp.Root, "haul.conf");
        await File.WriteAllTextAsync(config, "retries = 4\nretry-wait = 0\n", TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("--config", config, "get", server.Url("/flaky.bin"), "-d", temp.Out, "-t", "1", "--json");

        run.ExitCode.ShouldBe(1, run.Error);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("attempts").GetInt32().ShouldBe(1);
        server.Hits("/flaky.bin").ShouldBe(1);
    }

    [Fact]
    public async Task Get_ConfigFileMaxFileSizeAndAliases_AppliedAsOnTheCommandLine()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/c.bin", TestData.Bytes(5000, seed: 155));
        using var temp = new TempDirectory();
        var config = Path.Combine(temp.Root, "haul.conf");
        await File.WriteAllTextAsync(config, "max-filesize = 4KB\ntimestamping\nmax-overall-download-limit = 0\ncontinue = yes\n", TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("--config", config, "get", server.Url("/c.bin"), "-d", temp.Out, "--json");

        run.ExitCode.ShouldBe(1, run.Error);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("error").GetProperty("kind").GetString().ShouldBe("scope");
        File.Exists(Path.Combine(temp.Out, "c.bin")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("1", 1, "redirect")]
    [InlineData("2", 0, null)]
    public async Task Get_MaxRedirect_TwoRedirects_FollowsUpToTheLimit(string limit, int exitCode, string? kind)
    {
        var content = TestData.Bytes(3000, seed: 142);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/a", (context, _) => Redirect(context, "/b"));
        server.Map("/b", (context, _) => Redirect(context, "/file.bin"));
        server.MapFile("/file.bin", content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/a"), "-d", temp.Out, "-o", "r.bin", "--max-redirect", limit, "--json");

        run.ExitCode.ShouldBe(exitCode, run.Error);
        var line = run.JsonLines.ShouldHaveSingleItem();
        if (kind is null)
        {
            TestData.FileSha256(Path.Combine(temp.Out, "r.bin")).ShouldBe(TestData.Sha256(content));
        }
        else
        {
            line.GetProperty("error").GetProperty("kind").GetString().ShouldBe(kind);
            File.Exists(Path.Combine(temp.Out, "r.bin")).ShouldBeFalse();
        }
    }

    [Fact]
    public async Task Get_MaxFileSize_ContentLengthOver_FailsScopeBeforeTheBody()
    {
        await using var server = await LoopbackServer.StartAsync();
        var aborted = new TaskCompletionSource();
        server.Map("/big.bin", async (context, _) =>
        {
            // The headers only: a client that reads on waits for a body that never comes.
            context.Response.ContentLength = 10 * 1024 * 1024;
            await context.Response.Body.FlushAsync(context.RequestAborted);
            try
            {
                await Task.Delay(TimeSpan.FromMinutes(2), context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                aborted.TrySetResult();
            }
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/big.bin"), "-d", temp.Out, "--max-filesize", "1MiB", "-T", "30", "--json");

        run.ExitCode.ShouldBe(1);
        var error = run.JsonLines.ShouldHaveSingleItem().GetProperty("error");
        error.GetProperty("kind").GetString().ShouldBe("scope");
        error.GetProperty("message").GetString().ShouldBe($"{server.Url("/big.bin")} is 10485760 bytes, over --max-filesize 1048576 bytes; not downloaded.");
        File.Exists(Path.Combine(temp.Out, "big.bin")).ShouldBeFalse();
        File.Exists(Path.Combine(temp.Out, "big.bin" + PartFile.Suffix)).ShouldBeFalse();
        await aborted.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
    }

    [Fact]
    public async Task Get_MaxFileSize_ChunkedBodyOver_StopsAndRemovesThePart()
    {
        const int Chunk = 16 * 1024;
        const int Chunks = 4096;
        const int Limit = 100 * 1024;

        // A raw socket, not Kestrel: its writes block while the client does not read and fail once
        // it hung up, so what the server managed to send says whether the client read on.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var url = $"http://127.0.0.1:{((System.Net.IPEndPoint)listener.LocalEndpoint).Port}/stream.bin";
        var serving = ServeChunkedAsync(listener, Chunk, Chunks);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", url, "-d", temp.Out, "--max-filesize", "100K", "--json");

        run.ExitCode.ShouldBe(1);
        var error = run.JsonLines.ShouldHaveSingleItem().GetProperty("error");
        error.GetProperty("kind").GetString().ShouldBe("scope");
        error.GetProperty("message").GetString()!.ShouldContain($"--max-filesize {Limit} bytes");
        Directory.EnumerateFileSystemEntries(temp.Out).Where(entry => Path.GetFileName(entry) != ".haul").ShouldBeEmpty();
        var (sent, completed) = await serving.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
        completed.ShouldBeFalse($"the server sent the whole body ({sent} bytes): the client read on past the limit");
    }

    /// <summary>Answers one request with a chunked body of <paramref name="chunks"/> chunks, until the client hangs up.</summary>
    private static async Task<(long Sent, bool Completed)> ServeChunkedAsync(System.Net.Sockets.TcpListener listener, int chunk, int chunks)
    {
        using var client = await listener.AcceptTcpClientAsync(TestContext.Current.CancellationToken);
        var stream = client.GetStream();
        var request = new byte[8192];
        var seen = 0;
        while (seen < 4 || System.Text.Encoding.ASCII.GetString(request, 0, seen).IndexOf("\r\n\r\n", StringComparison.Ordinal) < 0)
        {
            var read = await stream.ReadAsync(request.AsMemory(seen), TestContext.Current.CancellationToken);
            if (read == 0)
            {
                return (0, false);
            }

            seen += read;
        }

        var sent = 0L;
        try
        {
            await stream.WriteAsync("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"u8.ToArray(), TestContext.Current.CancellationToken);
            var body = TestData.Bytes(chunk, seed: 143);
            var frame = System.Text.Encoding.ASCII.GetBytes($"{chunk:x}\r\n").Concat(body).Concat("\r\n"u8.ToArray()).ToArray();
            for (var i = 0; i < chunks; i++)
            {
                await stream.WriteAsync(frame, TestContext.Current.CancellationToken);
                sent += chunk;
            }

            await stream.WriteAsync("0\r\n\r\n"u8.ToArray(), TestContext.Current.CancellationToken);
            return (sent, true);
        }
        catch (IOException)
        {
            return (sent, false);
        }
    }

    [Fact]
    public async Task Get_MaxFileSize_SmallerFile_Downloads()
    {
        var content = TestData.Bytes(50_000, seed: 144);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/small.bin", content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/small.bin"), "-d", temp.Out, "--max-filesize", "50000");

        run.ExitCode.ShouldBe(0, run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "small.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Theory]
    [InlineData("--limit-rate", "0")]
    [InlineData("--max-overall-download-limit", "0")]
    [InlineData("--max-overall-download-limit", "10MiB")]
    [InlineData("--max-download-limit", "0")]
    [InlineData("--max-download-limit", "10MB")]
    public async Task Get_RateFlags_ZeroOrSize_Downloads(string flag, string value)
    {
        var content = TestData.Bytes(20_000, seed: 145);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/r.bin", content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/r.bin"), "-d", temp.Out, flag, value);

        run.ExitCode.ShouldBe(0, run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "r.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Theory]
    [InlineData("--max-download-limit", "fast")]
    [InlineData("--max-filesize", "-1")]
    [InlineData("--max-filesize", "10X")]
    [InlineData("--retry-wait", "-1")]
    [InlineData("--max-redirect", "101")]
    [InlineData("-t", "-1")]
    public async Task Get_BadValue_UsageErrorNamingTheFlag(string flag, string value)
    {
        var run = await CliRun.RunAsync("get", "http://127.0.0.1:9/x", flag, value);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain(flag);
        run.Error.ShouldNotContain("System.");
    }

    [Fact]
    public async Task Get_OutWithSubfolder_SavedThereWithFoldersCreated()
    {
        var content = TestData.Bytes(6000, seed: 146);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/x", content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/x"), "-d", temp.Out, "-o", "sub/deeper/x.bin", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("path").GetString().ShouldBe(Path.Combine(temp.Out, "sub", "deeper", "x.bin"));
        TestData.FileSha256(Path.Combine(temp.Out, "sub", "deeper", "x.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Theory]
    [InlineData("../x.bin")]
    [InlineData("sub/../../x.bin")]
    [InlineData("/tmp/x.bin")]
    [InlineData("sub/")]
    public async Task Get_OutLeavingTheDirectory_UsageErrorExitsTwo(string outName)
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/x", TestData.Bytes(100, seed: 147));
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/x"), "-d", temp.Out, "-o", outName);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("-o/--out");
        server.Requests.ShouldBeEmpty();
        Directory.Exists(temp.Out).ShouldBeFalse();
    }

    [Fact]
    public async Task Get_InputFileOutLeavingTheDirectory_FailsThatLineOnly()
    {
        var content = TestData.Bytes(2000, seed: 148);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/one.bin", content);
        server.MapFile("/two.bin", content);
        using var temp = new TempDirectory();
        var input = Path.Combine(temp.Root, "urls.txt");
        await File.WriteAllTextAsync(input, $"""
            {server.Url("/one.bin")}
              out=../escaped.bin
            {server.Url("/two.bin")}
              out=kept/two.bin
            """, TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("get", "-i", input, "-d", temp.Out, "--json");

        run.ExitCode.ShouldBe(1);
        var lines = run.JsonLines.ToDictionary(line => line.GetProperty("url").GetString()!);
        var error = lines[server.Url("/one.bin")].GetProperty("error");
        error.GetProperty("kind").GetString().ShouldBe("invalid-url");
        error.GetProperty("message").GetString().ShouldBe("Line 1: out='../escaped.bin' leaves the output directory ('..' is not allowed).");
        File.Exists(Path.Combine(temp.Root, "escaped.bin")).ShouldBeFalse();
        server.Hits("/one.bin").ShouldBe(0);
        TestData.FileSha256(Path.Combine(temp.Out, "kept", "two.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_DryRun_PrintsPlannedPathsAndTouchesNothing()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/a/pic.jpg", TestData.Bytes(100, seed: 149));
        server.MapFile("/b/pic.jpg", TestData.Bytes(100, seed: 150));
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/a/pic.jpg"), server.Url("/b/pic.jpg"), "-d", temp.Out, "--dry-run");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).ShouldBe(
        [
            $"{server.Url("/a/pic.jpg")} -> {Path.Combine(temp.Out, "pic.jpg")}",
            $"{server.Url("/b/pic.jpg")} -> {Path.Combine(temp.Out, "pic.1.jpg")}",
        ]);
        Directory.Exists(temp.Out).ShouldBeFalse();
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Get_DryRunJson_OneSkippedLineEachWithThePath()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/c.bin"), "-d", temp.Out, "-o", "sub/c.bin", "--dry-run", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        var line = run.JsonLines.ShouldHaveSingleItem();
        line.GetProperty("status").GetString().ShouldBe("skipped");
        line.GetProperty("path").GetString().ShouldBe(Path.Combine(temp.Out, "sub", "c.bin"));
        Directory.Exists(temp.Out).ShouldBeFalse();
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Get_AllowOverwrite_FileOfTheSameLength_ReplacedAtomically()
    {
        var content = TestData.Bytes(8000, seed: 151);
        var old = TestData.Bytes(8000, seed: 152);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/same.bin", content);
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var target = Path.Combine(temp.Out, "same.bin");
        await File.WriteAllBytesAsync(target, old, TestContext.Current.CancellationToken);
        // A second name for the old file: a replacement by rename leaves it as it was; a write in place would not.
        var keep = Path.Combine(temp.Root, "keep.bin");
        HardLink.TryCreate(target, keep, out var linkError).ShouldBeTrue(linkError);

        var run = await CliRun.RunAsync("get", server.Url("/same.bin"), "-d", temp.Out, "--allow-overwrite", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("status").GetString().ShouldBe("ok");
        TestData.FileSha256(target).ShouldBe(TestData.Sha256(content));
        TestData.FileSha256(keep).ShouldBe(TestData.Sha256(old));
        Directory.GetFiles(temp.Out).ShouldBe([target]);
    }

    [Theory]
    [InlineData(false, "pic.1.jpg")]
    [InlineData(true, "pic.jpg")]
    public async Task Get_AllowOverwrite_NameOfAnotherUrlFromAnEarlierRun_ReplacedInsteadOfNumbered(bool allowOverwrite, string expected)
    {
        var first = TestData.Bytes(3000, seed: 157);
        var second = TestData.Bytes(4000, seed: 158);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/a/pic.jpg", first);
        server.MapFile("/b/pic.jpg", second);
        using var temp = new TempDirectory();
        (await CliRun.RunAsync("get", server.Url("/a/pic.jpg"), "-d", temp.Out)).ExitCode.ShouldBe(0);

        var run = await CliRun.RunAsync(allowOverwrite
            ? ["get", server.Url("/b/pic.jpg"), "-d", temp.Out, "--allow-overwrite", "--json"]
            : ["get", server.Url("/b/pic.jpg"), "-d", temp.Out, "--json"]);

        run.ExitCode.ShouldBe(0, run.Error);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("path").GetString().ShouldBe(Path.Combine(temp.Out, expected));
        TestData.FileSha256(Path.Combine(temp.Out, expected)).ShouldBe(TestData.Sha256(second));
    }

    [Fact]
    public async Task Get_AllowOverwrite_ContentDispositionNameTaken_ReplacesInsteadOfNumbering()
    {
        var content = TestData.Bytes(3000, seed: 153);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/download", (context, _) =>
        {
            context.Response.Headers.ContentDisposition = "attachment; filename=\"report.pdf\"";
            return server.ServeAsync(context, content);
        });
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        await File.WriteAllTextAsync(Path.Combine(temp.Out, "report.pdf"), "an older report", TestContext.Current.CancellationToken);

        var run = await CliRun.RunAsync("get", server.Url("/download"), "-d", temp.Out, "--allow-overwrite", "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("path").GetString().ShouldBe(Path.Combine(temp.Out, "report.pdf"));
        TestData.FileSha256(Path.Combine(temp.Out, "report.pdf")).ShouldBe(TestData.Sha256(content));
        File.Exists(Path.Combine(temp.Out, "report.1.pdf")).ShouldBeFalse();
    }

    [Fact]
    public async Task Get_AllowOverwrite_SymbolicLinkAtTheName_RefusedAndLinkTargetUntouched()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/l.bin", TestData.Bytes(3000, seed: 154));
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var outside = Path.Combine(temp.Root, "outside.txt");
        await File.WriteAllTextAsync(outside, "not Haul's", TestContext.Current.CancellationToken);
        File.CreateSymbolicLink(Path.Combine(temp.Out, "l.bin"), outside);

        var run = await CliRun.RunAsync("get", server.Url("/l.bin"), "-d", temp.Out, "--allow-overwrite", "--json");

        run.ExitCode.ShouldBe(1);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("error").GetProperty("kind").GetString().ShouldBe("scope");
        (await File.ReadAllTextAsync(outside, TestContext.Current.CancellationToken)).ShouldBe("not Haul's");
        new FileInfo(Path.Combine(temp.Out, "l.bin")).LinkTarget.ShouldBe(outside);
    }

    [Fact]
    public async Task Get_OutThroughALinkedFolder_RefusedAndNothingWrittenOutside()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/x", TestData.Bytes(2000, seed: 156));
        using var temp = new TempDirectory();
        Directory.CreateDirectory(temp.Out);
        var outside = Path.Combine(temp.Root, "outside");
        Directory.CreateDirectory(outside);
        Directory.CreateSymbolicLink(Path.Combine(temp.Out, "link"), outside);

        var run = await CliRun.RunAsync("get", server.Url("/x"), "-d", temp.Out, "-o", "link/deeper/x.bin", "--json");

        run.ExitCode.ShouldBe(1);
        var error = run.JsonLines.ShouldHaveSingleItem().GetProperty("error");
        error.GetProperty("kind").GetString().ShouldBe("scope");
        error.GetProperty("message").GetString()!.ShouldContain(Path.Combine(temp.Out, "link"));
        Directory.EnumerateFileSystemEntries(outside).ShouldBeEmpty();
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Get_AllowOverwriteWithNoClobber_UsageErrorExitsTwo()
    {
        var run = await CliRun.RunAsync("get", "http://127.0.0.1:9/x", "--allow-overwrite", "-nc");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("--allow-overwrite and -nc/--no-clobber");
    }

    [Theory]
    [InlineData("crawl")]
    [InlineData("worker")]
    public async Task Help_CrawlAndWorker_TakeTheSharedTransferFlags(string command)
    {
        var run = await CliRun.RunAsync(command, "--help");

        run.ExitCode.ShouldBe(0);
        foreach (var flag in new[] { "--tries", "--max-redirect", "--retry-wait", "--max-filesize", "--allow-overwrite", "--max-download-limit", "--max-overall-download-limit", "-P" })
        {
            run.Out.ShouldContain(flag);
        }
    }

    private static Task Redirect(HttpContext context, string location)
    {
        context.Response.StatusCode = 302;
        context.Response.Headers.Location = location;
        return Task.CompletedTask;
    }
}
