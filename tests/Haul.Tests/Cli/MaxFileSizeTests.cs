using Haul.Storage;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

/// <summary><c>--max-filesize</c>: refused by the announced length before the body, or stopped while streaming; nothing left behind.</summary>
public sealed class MaxFileSizeTests
{
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

    [Fact]
    public async Task Get_MaxFileSizeOnAPartLeftByAnEarlierRun_RefusedWithoutARequestAndPartRemoved()
    {
        var content = TestData.Bytes(3 * 1024 * 1024, seed: 181);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/left.bin", (context, hit) => server.ServeAsync(context, content, dropAfter: hit == 1 ? 1_500_000 : null));
        using var temp = new TempDirectory();
        var first = await CliRun.RunAsync("get", server.Url("/left.bin"), "-d", temp.Out, "--retries", "0", "--json");
        first.ExitCode.ShouldBe(1);
        File.Exists(Path.Combine(temp.Out, "left.bin.part")).ShouldBeTrue();
        var requests = server.Requests.Count;

        var run = await CliRun.RunAsync("get", server.Url("/left.bin"), "-d", temp.Out, "--max-filesize", "1M", "--json");

        run.ExitCode.ShouldBe(1, run.Error);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("error").GetProperty("kind").GetString().ShouldBe("scope");
        server.Requests.Count.ShouldBe(requests);
        File.Exists(Path.Combine(temp.Out, "left.bin.part")).ShouldBeFalse();
        File.Exists(Path.Combine(temp.Out, "left.bin")).ShouldBeFalse();
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
}
