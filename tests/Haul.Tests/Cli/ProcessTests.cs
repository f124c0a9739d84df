using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

public sealed class ProcessTests
{
    [Fact]
    public async Task Haul_UrlsOnStdin_DownloadsThemAll()
    {
        var contents = Enumerable.Range(0, 5).Select(i => TestData.Bytes(3000 + i, seed: 60 + i)).ToArray();
        await using var server = await LoopbackServer.StartAsync();
        for (var i = 0; i < contents.Length; i++)
        {
            server.MapFile($"/s/{i}.dat", contents[i]);
        }

        using var temp = new TempDirectory();
        using var haul = HaulProcess.Start("get", "-i", "-", "-d", temp.Out, "--json");
        for (var i = 0; i < contents.Length; i++)
        {
            await haul.StandardInput.WriteLineAsync(server.Url($"/s/{i}.dat"));
        }

        haul.StandardInput.Close();

        (await haul.WaitForExitAsync()).ShouldBe(0, haul.Error);
        haul.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length.ShouldBe(5);
        for (var i = 0; i < contents.Length; i++)
        {
            TestData.FileSha256(Path.Combine(temp.Out, $"{i}.dat")).ShouldBe(TestData.Sha256(contents[i]));
        }
    }

    [Fact]
    public async Task Haul_CtrlC_Exits130KeepsPartAndSecondRunResumes()
    {
        var content = TestData.Bytes(400_000, seed: 70);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/movie.bin", (context, hit) => hit == 1
            ? server.ServeThenStallAsync(context, content, 150_000, "\"m\"")
            : server.ServeAsync(context, content, "\"m\""));
        using var temp = new TempDirectory();
        var part = Path.Combine(temp.Out, "movie.bin.part");

        using (var first = HaulProcess.Start("get", server.Url("/movie.bin"), "-d", temp.Out, "--progress", "plain"))
        {
            await Eventually.FileReachesAsync(part, 150_000);
            first.Interrupt();

            (await first.WaitForExitAsync()).ShouldBe(130, first.Error);
            first.Error.ShouldContain("cancelled: The download of");
            first.Error.ShouldContain("haul: 0 done, 0 skipped, 0 failed, 1 interrupted");
        }

        TestData.FileSha256(part).ShouldBe(TestData.Sha256(content[..150_000]));
        File.Exists(Path.Combine(temp.Out, "movie.bin")).ShouldBeFalse();

        using var second = HaulProcess.Start("get", server.Url("/movie.bin"), "-d", temp.Out, "--json");
        (await second.WaitForExitAsync()).ShouldBe(0, second.Error);

        server.Requests.Last().Range.ShouldBe("bytes=150000-");
        server.Requests.Last().IfRange.ShouldBe("\"m\"");
        TestData.FileSha256(Path.Combine(temp.Out, "movie.bin")).ShouldBe(TestData.Sha256(content));
        temp.AllFiles().ShouldBe([Path.Combine("out", "movie.bin")]);
    }

    [Fact]
    public async Task Haul_CtrlCWhileStdinStillOpen_StopsAndSummarizes()
    {
        var content = TestData.Bytes(100_000, seed: 71);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/stuck.bin", (context, _) => server.ServeThenStallAsync(context, content, 10_000));
        using var temp = new TempDirectory();
        using var haul = HaulProcess.Start("get", "-i", "-", "-d", temp.Out, "--progress", "plain");
        await haul.StandardInput.WriteLineAsync(server.Url("/stuck.bin"));

        // An entry is complete once the next URL line shows that no option lines follow it.
        await haul.StandardInput.WriteLineAsync(server.Url("/next.bin"));
        await haul.StandardInput.FlushAsync(TestContext.Current.CancellationToken);

        // Stdin stays open: the run must not wait for more input once interrupted.
        await Eventually.FileReachesAsync(Path.Combine(temp.Out, "stuck.bin.part"), 10_000);
        haul.Interrupt();

        (await haul.WaitForExitAsync()).ShouldBe(130, haul.Error);
        haul.Error.ShouldContain("haul: 0 done, 0 skipped, 0 failed, 1 interrupted");
        TestData.FileSha256(Path.Combine(temp.Out, "stuck.bin.part")).ShouldBe(TestData.Sha256(content[..10_000]));
    }
}
