using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Http;

public sealed class RequestHeaderTests
{
    [Fact]
    public async Task Get_HeaderUserAgentReferer_SeenByServer()
    {
        var content = TestData.Bytes(5000, seed: 700);
        await using var server = await LoopbackServer.StartAsync();
        var recorder = new HeaderRecorder(server);
        recorder.MapFile("/a.bin", content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync(
            "get", server.Url("/a.bin"), "-d", temp.Out, "--json",
            "--header", "X-Token: abc", "--header", "Accept-Language: de", "-U", "TestAgent/1.0", "--referer", "https://ref.example/page");

        run.ExitCode.ShouldBe(0, run.Error);
        recorder.Values("/a.bin", "X-Token").ShouldBe(["abc"]);
        recorder.Values("/a.bin", "Accept-Language").ShouldBe(["de"]);
        recorder.Values("/a.bin", "User-Agent").ShouldBe(["TestAgent/1.0"]);
        recorder.Values("/a.bin", "Referer").ShouldBe(["https://ref.example/page"]);
        TestData.FileSha256(Path.Combine(temp.Out, "a.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_InputFileHeaderLines_ApplyToTheirUrlOnly()
    {
        var first = TestData.Bytes(3000, seed: 701);
        var second = TestData.Bytes(3100, seed: 702);
        await using var server = await LoopbackServer.StartAsync();
        var recorder = new HeaderRecorder(server);
        recorder.MapFile("/one.bin", first);
        recorder.MapFile("/two.bin", second);
        using var temp = new TempDirectory();
        var list = $"{server.Url("/one.bin")}\n  header=X-Line: one\n  header=User-Agent: LineAgent\n{server.Url("/two.bin")}\n";

        var run = await CliRun.RunWithInputAsync(list, "get", "-i", "-", "-d", temp.Out, "--json", "--header", "X-Line: run");

        run.ExitCode.ShouldBe(0, run.Error);
        recorder.Values("/one.bin", "X-Line").ShouldBe(["one"]);
        recorder.Values("/one.bin", "User-Agent").ShouldBe(["LineAgent"]);
        recorder.Values("/two.bin", "X-Line").ShouldBe(["run"]);
        TestData.FileSha256(Path.Combine(temp.Out, "one.bin")).ShouldBe(TestData.Sha256(first));
        TestData.FileSha256(Path.Combine(temp.Out, "two.bin")).ShouldBe(TestData.Sha256(second));
    }

    [Fact]
    public async Task Get_BadHeader_UsageErrorBeforeAnyRequest()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/a.bin"), "-d", temp.Out, "--header", "no colon here");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("--header");
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Get_BadHeaderLineInInput_FailsThatEntryWithItsLine()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();

        var run = await CliRun.RunWithInputAsync($"{server.Url("/a.bin")}\n  header=Range: bytes=0-\n", "get", "-i", "-", "-d", temp.Out, "--json");

        run.ExitCode.ShouldBe(1);
        var error = run.JsonLines.ShouldHaveSingleItem().GetProperty("error");
        error.GetProperty("kind").GetString().ShouldBe("invalid-url");
        error.GetProperty("message").GetString()!.ShouldContain("line 2");
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task Crawl_RefererStar_SendsThePageEachPictureWasFoundOn()
    {
        var picture = TestData.Bytes(4000, seed: 703);
        await using var server = await LoopbackServer.StartAsync();
        var recorder = new HeaderRecorder(server);
        recorder.MapPage("/gallery/", "<html><body><img src=\"/img/p.jpg\"></body></html>");
        recorder.MapFile("/img/p.jpg", picture, context => context.Response.ContentType = "image/jpeg");
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync(
            "crawl", server.Url("/gallery/"), "-d", temp.Out, "--layout", "flat", "--ignore-robots", "--json",
            "--referer", "*", "--header", "X-Crawl: yes");

        run.ExitCode.ShouldBe(0, run.Error);
        recorder.Values("/img/p.jpg", "Referer").ShouldBe([server.Url("/gallery/")]);
        recorder.Values("/gallery/", "X-Crawl").ShouldBe(["yes"]);
        recorder.Values("/img/p.jpg", "X-Crawl").ShouldBe(["yes"]);
        TestData.FileSha256(Path.Combine(temp.Out, "p.jpg")).ShouldBe(TestData.Sha256(picture));
    }
}
