using Haul.Storage;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

/// <summary><c>--allow-overwrite</c>: a file at the name is replaced by one atomic rename; a symbolic link there is refused.</summary>
public sealed class AllowOverwriteTests
{
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
    public async Task Get_AllowOverwriteReplacedAnotherUrlsFile_ThatUrlIsFetchedAgainUnderANewNameNotSkipped()
    {
        // Same length, so no size check can tell the two bodies apart.
        var bytesA = TestData.Bytes(5000, seed: 171);
        var bytesB = TestData.Bytes(5000, seed: 172);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/a/x.bin", bytesA);
        server.MapFile("/b/x.bin", bytesB);
        using var temp = new TempDirectory();
        (await CliRun.RunAsync("get", server.Url("/b/x.bin"), "-d", temp.Out)).ExitCode.ShouldBe(0);
        (await CliRun.RunAsync("get", server.Url("/a/x.bin"), "-d", temp.Out, "--allow-overwrite")).ExitCode.ShouldBe(0);

        var third = await CliRun.RunAsync("get", server.Url("/b/x.bin"), "-d", temp.Out, "--json");

        third.ExitCode.ShouldBe(0, third.Error);
        var line = third.JsonLines.ShouldHaveSingleItem();
        line.GetProperty("status").GetString().ShouldBe("ok");
        line.GetProperty("path").GetString().ShouldBe(Path.Combine(temp.Out, "x.1.bin"));
        TestData.FileSha256(Path.Combine(temp.Out, "x.1.bin")).ShouldBe(TestData.Sha256(bytesB));
        TestData.FileSha256(Path.Combine(temp.Out, "x.bin")).ShouldBe(TestData.Sha256(bytesA));
    }

    [Fact]
    public async Task Get_AllowOverwrite_NewUrlTakesTheNameOfAJournalKnownUrlOfTheSameRun_KnownUrlGetsANewName()
    {
        // Same length: a size check alone cannot tell the two files apart.
        var bytesA = TestData.Bytes(5000, seed: 161);
        var bytesB = TestData.Bytes(5000, seed: 162);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/a/x.bin", bytesA);
        server.MapFile("/b/x.bin", bytesB);
        using var temp = new TempDirectory();
        var x = Path.Combine(temp.Out, "x.bin");
        var x1 = Path.Combine(temp.Out, "x.1.bin");
        (await CliRun.RunAsync("get", server.Url("/b/x.bin"), "-d", temp.Out)).ExitCode.ShouldBe(0);
        TestData.FileSha256(x).ShouldBe(TestData.Sha256(bytesB));

        var second = await CliRun.RunAsync("get", server.Url("/a/x.bin"), server.Url("/b/x.bin"), "-d", temp.Out, "--allow-overwrite", "--json");

        second.ExitCode.ShouldBe(0, second.Error);
        var a = second.JsonLines.Single(line => line.GetProperty("url").GetString() == server.Url("/a/x.bin"));
        var b = second.JsonLines.Single(line => line.GetProperty("url").GetString() == server.Url("/b/x.bin"));
        a.GetProperty("status").GetString().ShouldBe("ok");
        a.GetProperty("path").GetString().ShouldBe(x);
        a.GetProperty("sha256").GetString().ShouldBe(TestData.Sha256(bytesA));
        b.GetProperty("status").GetString().ShouldBe("ok");
        b.GetProperty("path").GetString().ShouldBe(x1);
        b.GetProperty("sha256").GetString().ShouldBe(TestData.Sha256(bytesB));
        TestData.FileSha256(x).ShouldBe(TestData.Sha256(bytesA));
        TestData.FileSha256(x1).ShouldBe(TestData.Sha256(bytesB));
        var requestsAfterSecond = server.Requests.Count;

        var third = await CliRun.RunAsync("get", server.Url("/a/x.bin"), server.Url("/b/x.bin"), "-d", temp.Out, "--allow-overwrite", "--json");

        third.ExitCode.ShouldBe(0, third.Error);
        third.JsonLines.Count.ShouldBe(2);
        foreach (var (url, path, bytes) in new[] { ("/a/x.bin", x, bytesA), ("/b/x.bin", x1, bytesB) })
        {
            var line = third.JsonLines.Single(l => l.GetProperty("url").GetString() == server.Url(url));
            line.GetProperty("status").GetString().ShouldBe("skipped");
            line.GetProperty("path").GetString().ShouldBe(path);
            line.GetProperty("sha256").GetString().ShouldBe(TestData.Sha256(bytes));
            TestData.FileSha256(path).ShouldBe(TestData.Sha256(bytes));
        }

        server.Requests.Count.ShouldBe(requestsAfterSecond);
        Directory.GetFiles(temp.Out).Order(StringComparer.Ordinal).ShouldBe([x1, x]);
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
    public async Task Get_AllowOverwriteWithNoClobber_UsageErrorExitsTwo()
    {
        var run = await CliRun.RunAsync("get", "http://127.0.0.1:9/x", "--allow-overwrite", "-nc");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("--allow-overwrite and -nc/--no-clobber");
    }
}
