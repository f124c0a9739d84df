using System.Formats.Tar;
using System.Security.Cryptography;
using System.Text.Json;
using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;
using NetVips;

namespace Haul.Tests.Datasets;

public sealed class DatasetCommandTests
{
    [Fact]
    public async Task Dataset_KilledMidShardThenRerun_FinishedShardsNotFetchedAgainAndEveryTarComplete()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        // Nine samples, three shards of three; /p4 and /p6 are 404s. /p7, in the last shard, is held
        // on the first run until the process is killed.
        var pictures = new Dictionary<string, byte[]>(StringComparer.Ordinal);
        for (var i = 0; i < 9; i++)
        {
            var path = $"/p{i}.jpg";
            if (i is 4 or 6)
            {
                continue;
            }

            pictures[path] = TestImages.Solid(40 + i, 30, ".jpg", 20 * i, 100, 50);
            server.MapFile(path, pictures[path]);
        }

        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        server.Map("/p7.jpg", async (context, hit) =>
        {
            if (hit == 1)
            {
                held.TrySetResult();
                await release.Task;
                return;
            }

            await server.ServeAsync(context, pictures["/p7.jpg"]);
        });
        var list = Path.Combine(temp.Root, "urls.txt");
        await File.WriteAllLinesAsync(list, Enumerable.Range(0, 9).Select(i => server.Url($"/p{i}.jpg")), TestContext.Current.CancellationToken);
        string[] args = ["dataset", list, "-d", temp.Out, "--number-sample-per-shard", "3", "--image-size", "32", "--resize-mode", "keep_ratio", "-j", "2", "--retries", "0"];

        using (var first = HaulProcess.Start(args))
        {
            await held.Task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
            // Shards overlap: /p7 may be asked for while shard 1 is still being written; it completes
            // all the same, since only shard 2 waits for /p7.
            await Eventually.TrueAsync(() => File.Exists(Path.Combine(temp.Out, "00001_stats.json")), "shard 1 complete while /p7 is held");
            // Shard 2 is being streamed into its temporary tar (its 404 written, /p7 awaited).
            await Eventually.TrueAsync(() => File.Exists(Path.Combine(temp.Out, "00002.tar.tmp")), "shard 2 started");
            first.KillHard();
            await first.WaitForExitAsync();
        }

        release.TrySetResult();
        File.Exists(Path.Combine(temp.Out, "00000_stats.json")).ShouldBeTrue();
        File.Exists(Path.Combine(temp.Out, "00001_stats.json")).ShouldBeTrue();
        File.Exists(Path.Combine(temp.Out, "00002_stats.json")).ShouldBeFalse();
        File.Exists(Path.Combine(temp.Out, "00002.tar")).ShouldBeFalse("a killed shard is never under its final name");
        var finishedHits = Enumerable.Range(0, 6).Select(i => server.Hits($"/p{i}.jpg")).ToArray();
        finishedHits.ShouldAllBe(hits => hits == 1);

        using (var second = HaulProcess.Start(args))
        {
            (await second.WaitForExitAsync()).ShouldBe(0, second.Error);
            second.Error.ShouldContain("shard 00000: already complete, skipped");
            second.Error.ShouldContain("shard 00002: 3 samples, 2 ok (66.7%), failed: http 1");
        }

        Enumerable.Range(0, 6).Select(i => server.Hits($"/p{i}.jpg")).ToArray().ShouldBe(finishedHits);
        server.Hits("/p7.jpg").ShouldBe(2);
        Directory.EnumerateFiles(temp.Out, "*.tmp").ShouldBeEmpty();
        var stored = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var shard = 0; shard < 3; shard++)
        {
            using var stats = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(temp.Out, $"0000{shard}_stats.json"), TestContext.Current.CancellationToken));
            var successes = stats.RootElement.GetProperty("successes").GetInt32();
            var members = ReadWholeTar(Path.Combine(temp.Out, $"0000{shard}.tar"));
            members.Count.ShouldBe(2 * successes, $"shard {shard}: a picture and a json per success (no captions)");
            foreach (var (name, content) in members.Where(m => m.Name.EndsWith(".json", StringComparison.Ordinal)))
            {
                using var json = JsonDocument.Parse(content);
                stored[json.RootElement.GetProperty("url").GetString()!] = json.RootElement.GetProperty("sha256").GetString()!;
                var picture = members.Single(m => m.Name == name.Replace(".json", ".jpg", StringComparison.Ordinal)).Content;
                using var image = Image.NewFromBuffer(picture);
                image.Height.ShouldBe(32);
            }
        }

        stored.Count.ShouldBe(7);
        foreach (var (path, bytes) in pictures)
        {
            stored[server.Url(path)].ShouldBe(Convert.ToHexStringLower(SHA256.HashData(bytes)));
        }
    }

    [Fact]
    public async Task Dataset_ShardPastTheProcessFileSizeLimit_OneSentenceNothingLeftAndTheNextRunBuildsIt()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "prlimit is Linux only");
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        var pictures = Enumerable.Range(0, 12).Select(i => TestImages.NoiseJpeg(150 + i, 150)).ToArray();
        for (var i = 0; i < pictures.Length; i++)
        {
            server.MapFile($"/n{i}.jpg", pictures[i]);
        }

        var list = Path.Combine(temp.Root, "urls.txt");
        await File.WriteAllLinesAsync(list, Enumerable.Range(0, pictures.Length).Select(i => server.Url($"/n{i}.jpg")), TestContext.Current.CancellationToken);
        string[] args = ["dataset", list, "-d", temp.Out, "--resize-mode", "no", "--progress", "none", "-j", "2"];

        // Each picture fits under the cap, the shard's tar of all twelve does not: its writes fail
        // with EFBIG, as past FAT32's 4 GiB, which .NET reports as an out-of-range "value".
        using (var capped = HaulProcess.StartWithFileSizeLimit(pictures.Max(p => p.Length) * 3, args))
        {
            var exit = await capped.WaitForExitAsync();

            exit.ShouldBe(1, capped.Error);
            capped.Error.ShouldContain("haul: Could not build shard 00000 in '");
            capped.Error.ShouldContain("': the file would pass the largest size its file system, or this process's file size limit, allows; the shard is left to the next run.");
            capped.Error.ShouldNotContain("internal error");
            capped.Error.ShouldNotContain("Parameter");
        }

        temp.AllFiles().ShouldBe([Path.GetRelativePath(temp.Root, list)], "no temporary, no half shard");
        Directory.Exists(Path.Combine(temp.Out, ".haul", "incoming")).ShouldBeFalse("the bodies in flight are removed");

        var rerun = await CliRun.RunAsync(args);

        rerun.ExitCode.ShouldBe(0, rerun.Error);
        rerun.Error.ShouldContain("12 samples, 12 ok (100.0%)");
        var sha256 = ReadWholeTar(Path.Combine(temp.Out, "00000.tar"))
            .Where(m => m.Name.EndsWith(".json", StringComparison.Ordinal))
            .Select(m => JsonDocument.Parse(m.Content).RootElement)
            .ToDictionary(json => json.GetProperty("url").GetString()!, json => json.GetProperty("sha256").GetString()!);
        sha256.Count.ShouldBe(12);
        for (var i = 0; i < pictures.Length; i++)
        {
            sha256[server.Url($"/n{i}.jpg")].ShouldBe(Convert.ToHexStringLower(SHA256.HashData(pictures[i])));
        }
    }

    [Fact]
    public async Task Dataset_CsvToFilesAsPng_FlagsReachTheOutputAndNoaiRefusedByDefault()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        var photo = TestImages.Solid(100, 50, ".jpg", 10, 200, 10);
        server.MapFile("/a.jpg", photo);
        server.Map("/noai.jpg", (context, _) =>
        {
            context.Response.Headers["X-Robots-Tag"] = "noimageai";
            return server.ServeAsync(context, photo);
        });
        var table = Path.Combine(temp.Root, "table.csv");
        await File.WriteAllTextAsync(
            table,
            $"link,text,licence,ignored\n{server.Url("/a.jpg")},\"green, wide\",cc-by,x\n{server.Url("/noai.jpg")},refused,cc-0,y\n",
            TestContext.Current.CancellationToken);

        var run = await Cli.CliRun.RunAsync(
            "dataset", table, "--output-folder", temp.Out, "--input-format", "csv", "--url-col", "link", "--caption-col", "text",
            "--save-additional-columns", "[\"licence\"]", "--output-format", "files", "--image-size", "20", "--resize-mode", "keep_ratio_largest",
            "--encode-format", "png", "--retries", "0");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldContain("haul: done: 1 shards written, 0 already complete; 2 samples, 1 ok (50.0%), failed: scope 1");
        Directory.EnumerateFiles(Path.Combine(temp.Out, "00000")).Select(Path.GetFileName).Order(StringComparer.Ordinal)
            .ShouldBe(["000000000.json", "000000000.png", "000000000.txt"]);
        var picture = await File.ReadAllBytesAsync(Path.Combine(temp.Out, "00000", "000000000.png"), TestContext.Current.CancellationToken);
        picture.AsSpan(0, 4).ToArray().ShouldBe(new byte[] { 0x89, (byte)'P', (byte)'N', (byte)'G' });
        using (var image = Image.NewFromBuffer(picture))
        {
            (image.Width, image.Height).ShouldBe((20, 10));
        }

        (await File.ReadAllTextAsync(Path.Combine(temp.Out, "00000", "000000000.txt"), TestContext.Current.CancellationToken)).ShouldBe("green, wide");
        using var json = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(temp.Out, "00000", "000000000.json"), TestContext.Current.CancellationToken));
        json.RootElement.GetProperty("licence").GetString().ShouldBe("cc-by");
        json.RootElement.TryGetProperty("ignored", out _).ShouldBeFalse();
        json.RootElement.GetProperty("sha256").GetString().ShouldBe(Convert.ToHexStringLower(SHA256.HashData(photo)));
        using var stats = JsonDocument.Parse(await File.ReadAllBytesAsync(Path.Combine(temp.Out, "00000_stats.json"), TestContext.Current.CancellationToken));
        stats.RootElement.GetProperty("error_kinds").GetProperty("scope").GetInt32().ShouldBe(1);
    }

    [Fact]
    public async Task Dataset_EmptyDisallowedHeaderDirectives_NoaiPictureKept()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        var photo = TestImages.Solid(30, 30, ".jpg", 10, 20, 30);
        server.Map("/noai.jpg", (context, _) =>
        {
            context.Response.Headers["X-Robots-Tag"] = "noai";
            return server.ServeAsync(context, photo);
        });
        var list = Path.Combine(temp.Root, "urls.txt");
        await File.WriteAllTextAsync(list, server.Url("/noai.jpg") + "\n", TestContext.Current.CancellationToken);

        var run = await Cli.CliRun.RunAsync("dataset", list, "-d", temp.Out, "--disallowed-header-directives", "", "--image-size", "16");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldContain("1 samples, 1 ok (100.0%)");
        var members = ReadWholeTar(Path.Combine(temp.Out, "00000.tar"));
        members.Select(m => m.Name).ShouldBe(["000000000.jpg", "000000000.json"]);
    }

    [Fact]
    public async Task Dataset_ProcessesCountAndThreadCount_ImgToDatasetNamesAcceptedAndEveryPictureWritten()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        var photos = Enumerable.Range(0, 5).Select(i => TestImages.Solid(40 + i, 20, ".jpg", 50 * i, 10, 10)).ToArray();
        for (var i = 0; i < photos.Length; i++)
        {
            server.MapFile($"/p{i}.jpg", photos[i]);
        }

        var list = Path.Combine(temp.Root, "urls.txt");
        await File.WriteAllLinesAsync(list, Enumerable.Range(0, 5).Select(i => server.Url($"/p{i}.jpg")), TestContext.Current.CancellationToken);

        var run = await Cli.CliRun.RunAsync("dataset", list, "-d", temp.Out, "--processes-count", "1", "--thread-count", "2", "--image-size", "16", "--resize-mode", "keep_ratio");
        var zero = await Cli.CliRun.RunAsync("dataset", list, "-d", temp.Out, "--processes-count", "0");

        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldContain("5 samples, 5 ok (100.0%)");
        var members = ReadWholeTar(Path.Combine(temp.Out, "00000.tar")).Where(m => m.Name.EndsWith(".jpg", StringComparison.Ordinal)).ToList();
        members.Count.ShouldBe(5);
        for (var i = 0; i < 5; i++)
        {
            using var image = Image.NewFromBuffer(members[i].Content);
            (image.Width, image.Height).ShouldBe(((int)Math.Round((40 + i) * 16 / 20.0, MidpointRounding.ToEven), 16), members[i].Name);
        }

        zero.ExitCode.ShouldBe(2);
        zero.Error.ShouldContain("--processes-count");
    }

    [Fact]
    public async Task Dataset_MissingInput_OneLineAndExitOne()
    {
        using var temp = new TempDirectory();
        using var haul = HaulProcess.Start("dataset", Path.Combine(temp.Root, "nothing.txt"), "-d", temp.Out);

        (await haul.WaitForExitAsync()).ShouldBe(1);
        haul.Error.ShouldStartWith("haul: ");
        haul.Error.ShouldContain("nothing.txt");
        haul.Error.ShouldNotContain("Exception");
        haul.Error.ShouldNotContain("   at ");
    }

    /// <summary>Every member of a tar, read to its end (a truncated tar throws).</summary>
    private static List<(string Name, byte[] Content)> ReadWholeTar(string path)
    {
        var members = new List<(string, byte[])>();
        using var stream = File.OpenRead(path);
        using var tar = new TarReader(stream);
        while (tar.GetNextEntry() is { } entry)
        {
            using var content = new MemoryStream();
            entry.DataStream?.CopyTo(content);
            members.Add((entry.Name, content.ToArray()));
        }

        // Past the last member: only the end-of-archive marker, two blocks of zeros, that a writer stopped half-way never writes.
        var rest = new byte[stream.Length - stream.Position];
        stream.ReadExactly(rest);
        rest.ShouldAllBe(b => b == 0);
        var all = File.ReadAllBytes(path);
        all.Length.ShouldBeGreaterThan(1024);
        all.AsSpan(all.Length - 1024).IndexOfAnyExcept((byte)0).ShouldBe(-1);
        return members;
    }
}
