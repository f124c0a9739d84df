using System.Formats.Tar;
using System.IO.Compression;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

public sealed class ActionsCommandTests
{
    [Fact]
    public async Task Get_ExtractAndHook_ActionsRunAndAreReported()
    {
        var inner = TestData.Bytes(20_000, seed: 500);
        var archive = TarGz(("set/photo.bin", inner));
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/set.tar.gz", archive);
        using var temp = new TempDirectory();
        var copies = Path.Combine(temp.Root, "copies");
        Directory.CreateDirectory(copies);

        var run = await CliRun.RunAsync(
            "get", server.Url("/set.tar.gz"), "-d", temp.Out, "--json", "--extract",
            "--on-complete", $"cp {{path}} '{copies}/{{sha256}}'");

        run.ExitCode.ShouldBe(0, run.Error);
        var actions = run.JsonLines.ShouldHaveSingleItem().GetProperty("actions").EnumerateArray().ToList();
        actions.Select(a => a.GetProperty("action").GetString()).ShouldBe(["extract", "on-complete"]);
        actions.ShouldAllBe(a => a.GetProperty("succeeded").GetBoolean());
        actions[1].GetProperty("exit_code").GetInt32().ShouldBe(0);
        TestData.FileSha256(Path.Combine(temp.Out, "set", "set", "photo.bin")).ShouldBe(TestData.Sha256(inner));
        TestData.FileSha256(Path.Combine(copies, TestData.Sha256(archive))).ShouldBe(TestData.Sha256(archive));
        TestData.FileSha256(Path.Combine(temp.Out, "set.tar.gz")).ShouldBe(TestData.Sha256(archive));

        // The journal keeps the outcomes, for `haul list`, even when its done row was committed first.
        var entry = (await JournalTests.ReadJournalAsync(temp.Out)).ShouldHaveSingleItem();
        entry.Actions.ShouldNotBeNull().ShouldContain("\"action\":\"extract\"");
        entry.Actions.ShouldContain("\"action\":\"on-complete\"");
    }

    [Fact]
    public async Task Get_ZipSlipArchive_RefusedWithScopeKeepsDownloadAndExitsOne()
    {
        var archive = Zip(("../../escaped.txt", TestData.Bytes(100, seed: 501)));
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/evil.zip", archive);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/evil.zip"), "-d", temp.Out, "--extract", "--progress", "plain");

        run.ExitCode.ShouldBe(1);
        run.Error.ShouldContain("haul: extract scope: Refused to extract");
        run.Error.ShouldContain("haul: 1 done, 0 skipped, 0 failed;");
        temp.AllFiles().ShouldBe([Path.Combine("out", "evil.zip")]);
        TestData.FileSha256(Path.Combine(temp.Out, "evil.zip")).ShouldBe(TestData.Sha256(archive));
    }

    [Fact]
    public async Task Get_ExtractPastTheProcessFileSizeLimit_ActionFailsWithASentenceAndLeavesOnlyTheArchive()
    {
        Assert.SkipUnless(OperatingSystem.IsLinux(), "prlimit is Linux only");
        // 8 MiB of zeros pack into a few KiB: the download fits under the cap, its one member does not.
        var member = new byte[8 * 1024 * 1024];
        var archive = Zip(("zeros.bin", member));
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/zeros.zip", archive);
        using var temp = new TempDirectory();

        // Past the cap a write fails with EFBIG, as past FAT32's 4 GiB; .NET reports it as an out-of-range "value".
        using var haul = HaulProcess.StartWithFileSizeLimit(
            (3 * 1024 * 1024) + 17, "get", server.Url("/zeros.zip"), "-d", temp.Out, "--json", "--extract", "--extract-max-ratio", "100000");
        var exit = await haul.WaitForExitAsync();

        exit.ShouldBe(1, haul.Error);
        using var line = System.Text.Json.JsonDocument.Parse(haul.Out.Trim());
        line.RootElement.GetProperty("status").GetString().ShouldBe("ok");
        var extract = line.RootElement.GetProperty("actions").EnumerateArray().ShouldHaveSingleItem();
        extract.GetProperty("succeeded").GetBoolean().ShouldBeFalse();
        var message = extract.GetProperty("message").GetString().ShouldNotBeNull();
        message.ShouldBe($"Could not extract {Path.Combine(temp.Out, "zeros.zip")}: the file would pass the largest size its file system, or this process's file size limit, allows.");
        haul.Error.ShouldNotContain("Parameter");
        haul.Error.ShouldNotContain("unexpectedly");
        temp.AllFiles().ShouldBe([Path.Combine("out", "zeros.zip")]);
        Directory.EnumerateDirectories(temp.Out).Where(d => !d.EndsWith(".haul", StringComparison.Ordinal)).ShouldBeEmpty();
        TestData.FileSha256(Path.Combine(temp.Out, "zeros.zip")).ShouldBe(TestData.Sha256(archive));
    }

    [Fact]
    public async Task Get_FailingHook_MarksTheActionNotTheDownload()
    {
        var content = TestData.Bytes(1000, seed: 502);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/f.bin", content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/f.bin"), "-d", temp.Out, "--json", "--on-complete", "false {path}");

        run.ExitCode.ShouldBe(1);
        var line = run.JsonLines.ShouldHaveSingleItem();
        line.GetProperty("status").GetString().ShouldBe("ok");
        var hook = line.GetProperty("actions").EnumerateArray().ShouldHaveSingleItem();
        hook.GetProperty("succeeded").GetBoolean().ShouldBeFalse();
        hook.GetProperty("exit_code").GetInt32().ShouldBe(1);
        TestData.FileSha256(Path.Combine(temp.Out, "f.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_OnCompleteWithUnclosedQuote_ExitsTwoBeforeAnything()
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", "http://127.0.0.1:9/x", "-d", temp.Out, "--on-complete", "echo \"oops");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldStartWith("haul: --on-complete: ");
        Directory.Exists(temp.Out).ShouldBeFalse();
    }

    private static byte[] TarGz(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, name) { DataStream = new MemoryStream(content) });
            }
        }

        return buffer.ToArray();
    }

    private static byte[] Zip(params (string Name, byte[] Content)[] entries)
    {
        using var buffer = new MemoryStream();
        using (var zip = new ZipArchive(buffer, ZipArchiveMode.Create, leaveOpen: true))
        {
            foreach (var (name, content) in entries)
            {
                using var stream = zip.CreateEntry(name).Open();
                stream.Write(content);
            }
        }

        return buffer.ToArray();
    }
}
