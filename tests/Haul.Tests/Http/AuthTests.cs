using System.Text;
using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Http;

public sealed class AuthTests
{
    private const string Password = "pa55-w0rd-never-shown";

    [Fact]
    public async Task Get_HttpUser_SentToTheHostButNotAcrossARedirectToAnother()
    {
        var content = TestData.Bytes(6000, seed: 720);
        await using var first = await LoopbackServer.StartAsync();
        await using var second = await LoopbackServer.StartAsync();
        var firstSeen = new HeaderRecorder(first);
        var secondSeen = new HeaderRecorder(second);
        firstSeen.MapRedirect("/file.bin", second.Url("/file.bin"));
        secondSeen.MapFile("/file.bin", content);
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync(
            "get", first.Url("/file.bin"), "-d", temp.Out, "--json", "--http-user", "alice", "--http-password", Password,
            "--header", "Authorization: Bearer custom-token", "--header", "Cookie: c=1", "--header", "X-Plain: kept");

        run.ExitCode.ShouldBe(0, run.Error);
        firstSeen.Values("/file.bin", "Authorization").ShouldBe(["Bearer custom-token"]);
        firstSeen.Values("/file.bin", "Cookie").ShouldBe(["c=1"]);
        secondSeen.Values("/file.bin", "Authorization").ShouldBe([null]);
        secondSeen.Values("/file.bin", "Cookie").ShouldBe([null]);
        secondSeen.Values("/file.bin", "X-Plain").ShouldBe(["kept"]);
        TestData.FileSha256(Path.Combine(temp.Out, "file.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_HttpUser_BasicOnTheOriginNeverPrinted()
    {
        var content = TestData.Bytes(4000, seed: 721);
        await using var server = await LoopbackServer.StartAsync();
        var seen = new HeaderRecorder(server);
        seen.MapFile("/ok.bin", content);
        server.Map("/denied.bin", (context, _) =>
        {
            context.Response.StatusCode = 401;
            return Task.CompletedTask;
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", server.Url("/ok.bin"), server.Url("/denied.bin"), "-d", temp.Out, "--json", "--http-user", "alice", "--http-password", Password);
        var plain = await CliRun.RunAsync("get", server.Url("/denied.bin"), "-d", temp.Out, "--progress", "plain", "--http-user", "alice", "--http-password", Password);

        run.ExitCode.ShouldBe(1);
        seen.Values("/ok.bin", "Authorization").ShouldBe(["Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"alice:{Password}"))]);
        TestData.FileSha256(Path.Combine(temp.Out, "ok.bin")).ShouldBe(TestData.Sha256(content));
        foreach (var text in new[] { run.Out, run.Error, plain.Out, plain.Error })
        {
            text.ShouldNotContain(Password);
        }

        foreach (var file in Directory.EnumerateFiles(temp.Out, "*", SearchOption.AllDirectories))
        {
            Encoding.UTF8.GetString(File.ReadAllBytes(file)).ShouldNotContain(Password, customMessage: file);
        }
    }

    [Fact]
    public async Task Get_NetrcFile_UsedForItsHostOnlyAndNotAfterARedirect()
    {
        var content = TestData.Bytes(3000, seed: 722);
        await using var first = await LoopbackServer.StartAsync();
        await using var second = await LoopbackServer.StartAsync();
        var firstSeen = new HeaderRecorder(first);
        var secondSeen = new HeaderRecorder(second);
        firstSeen.MapFile("/direct.bin", content);
        firstSeen.MapRedirect("/moved.bin", second.Url("/moved.bin"));
        secondSeen.MapFile("/moved.bin", content);
        using var temp = new TempDirectory();
        var netrc = Path.Combine(temp.Root, "netrc");
        // Keyed by host name: both servers are 127.0.0.1, on different ports, so one entry covers both hosts.
        File.WriteAllText(netrc, $"machine 127.0.0.1 login bob password {Password}\n");

        var run = await CliRun.RunAsync("get", first.Url("/direct.bin"), first.Url("/moved.bin"), "-d", temp.Out, "--json", "--netrc-file", netrc);

        run.ExitCode.ShouldBe(0, run.Error);
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"bob:{Password}"));
        firstSeen.Values("/direct.bin", "Authorization").ShouldBe([basic]);
        firstSeen.Values("/moved.bin", "Authorization").ShouldBe([basic]);
        secondSeen.Values("/moved.bin", "Authorization").ShouldBe([null]);
        TestData.FileSha256(Path.Combine(temp.Out, "moved.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_HomeNetrc_ReadByDefaultAndSkippedWithNoNetrc()
    {
        var content = TestData.Bytes(1500, seed: 723);
        await using var server = await LoopbackServer.StartAsync();
        var seen = new HeaderRecorder(server);
        seen.MapFile("/a.bin", content);
        using var temp = new TempDirectory();
        File.WriteAllText(Path.Combine(temp.Root, ".netrc"), $"default login carol password {Password}\n");
        var environment = new Dictionary<string, string> { ["HOME"] = temp.Root };

        var withNetrc = await CliWithEnvironment.RunAsync(environment, "get", server.Url("/a.bin"), "-d", temp.Out, "--json", "--no-journal");
        File.Delete(Path.Combine(temp.Out, "a.bin"));
        var without = await CliWithEnvironment.RunAsync(environment, "get", server.Url("/a.bin"), "-d", temp.Out, "--json", "--no-journal", "--no-netrc");

        withNetrc.ExitCode.ShouldBe(0, withNetrc.Error);
        without.ExitCode.ShouldBe(0, without.Error);
        seen.Values("/a.bin", "Authorization").ShouldBe(["Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"carol:{Password}")), null]);
        TestData.FileSha256(Path.Combine(temp.Out, "a.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_PasswordWithoutUser_UsageError()
    {
        var run = await CliRun.RunAsync("get", "http://127.0.0.1:9/a", "--http-password", Password);

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldNotContain(Password);
    }

    [Fact]
    public async Task Crawl_HttpUser_SentToTheStartHostNotToAPictureHostElsewhere()
    {
        var local = TestData.Bytes(2100, seed: 724);
        var remote = TestData.Bytes(2300, seed: 725);
        await using var site = await LoopbackServer.StartAsync();
        await using var cdn = await LoopbackServer.StartAsync();
        var siteSeen = new HeaderRecorder(site);
        var cdnSeen = new HeaderRecorder(cdn);
        siteSeen.MapPage("/gallery/", $"<img src=\"/own.jpg\"><img src=\"{cdn.Url("/cdn.jpg")}\">");
        siteSeen.MapFile("/own.jpg", local, context => context.Response.ContentType = "image/jpeg");
        cdnSeen.MapFile("/cdn.jpg", remote, context => context.Response.ContentType = "image/jpeg");
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync(
            "crawl", site.Url("/gallery/"), "-d", temp.Out, "--layout", "flat", "--scope", "any", "--ignore-robots", "--json",
            "--http-user", "alice", "--http-password", Password);

        run.ExitCode.ShouldBe(0, run.Error);
        var basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"alice:{Password}"));
        siteSeen.Values("/gallery/", "Authorization").ShouldBe([basic]);
        siteSeen.Values("/own.jpg", "Authorization").ShouldBe([basic]);
        cdnSeen.Values("/cdn.jpg", "Authorization").ShouldBe([null]);
        TestData.FileSha256(Path.Combine(temp.Out, "own.jpg")).ShouldBe(TestData.Sha256(local));
        TestData.FileSha256(Path.Combine(temp.Out, "cdn.jpg")).ShouldBe(TestData.Sha256(remote));
        run.Out.ShouldNotContain(Password);
    }
}
