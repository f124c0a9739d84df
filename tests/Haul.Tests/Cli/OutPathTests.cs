using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

/// <summary><c>-o</c> and <c>out=</c> with folders: kept inside the output directory, refused when they leave it.</summary>
public sealed class OutPathTests
{
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
}
