using Microsoft.AspNetCore.Http;
using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Http;

public sealed class CookieTests
{
    [Fact]
    public async Task Get_LoadCookies_SentOnlyWhereTheyBelong()
    {
        var content = TestData.Bytes(2000, seed: 710);
        await using var server = await LoopbackServer.StartAsync();
        var recorder = new HeaderRecorder(server);
        recorder.MapFile("/members/a.bin", content);
        recorder.MapFile("/public/b.bin", content);
        using var temp = new TempDirectory();
        var future = DateTimeOffset.UtcNow.AddDays(30).ToUnixTimeSeconds();
        var past = DateTimeOffset.UtcNow.AddDays(-30).ToUnixTimeSeconds();
        var cookies = Path.Combine(temp.Root, "cookies.txt");
        File.WriteAllText(cookies, string.Join('\n',
            "# Netscape HTTP Cookie File",
            $"127.0.0.1\tFALSE\t/\tFALSE\t{future}\tsite\t1",
            $"#HttpOnly_127.0.0.1\tFALSE\t/members\tFALSE\t{future}\tsession\tabc",
            $"127.0.0.1\tFALSE\t/\tFALSE\t{past}\texpired\tx",
            $"127.0.0.1\tFALSE\t/\tTRUE\t{future}\thttpsonly\ty",
            $".example.org\tTRUE\t/\tFALSE\t{future}\tother\tz",
            "this line is not a cookie"));

        var run = await CliRun.RunAsync("get", server.Url("/members/a.bin"), server.Url("/public/b.bin"), "-d", temp.Out, "--json", "--load-cookies", cookies);

        run.ExitCode.ShouldBe(0, run.Error);
        recorder.Values("/members/a.bin", "Cookie").ShouldBe(["session=abc; site=1"]);
        recorder.Values("/public/b.bin", "Cookie").ShouldBe(["site=1"]);
        TestData.FileSha256(Path.Combine(temp.Out, "a.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_SetCookieThenRedirect_CookieFollowsAndIsSaved()
    {
        var content = TestData.Bytes(2500, seed: 711);
        await using var server = await LoopbackServer.StartAsync();
        var recorder = new HeaderRecorder(server);
        server.Map("/login", (context, _) =>
        {
            context.Response.StatusCode = 302;
            context.Response.Headers.Location = "/files/c.bin";
            context.Response.Headers.Append("Set-Cookie", "token=t1; Path=/files; Max-Age=3600; HttpOnly");
            context.Response.Headers.Append("Set-Cookie", "temp=1");
            return Task.CompletedTask;
        });
        recorder.MapFile("/files/c.bin", content);
        using var temp = new TempDirectory();
        var saved = Path.Combine(temp.Root, "saved.txt");

        var run = await CliRun.RunAsync("get", server.Url("/login"), "-d", temp.Out, "-o", "c.bin", "--json", "--save-cookies", saved);

        run.ExitCode.ShouldBe(0, run.Error);
        recorder.Values("/files/c.bin", "Cookie").ShouldBe(["token=t1; temp=1"]);
        TestData.FileSha256(Path.Combine(temp.Out, "c.bin")).ShouldBe(TestData.Sha256(content));
        var lines = File.ReadAllLines(saved).Where(line => line.Length > 0 && !line.StartsWith("# ", StringComparison.Ordinal)).ToList();
        lines.Count.ShouldBe(2);
        lines.ShouldContain(line => line.StartsWith("#HttpOnly_127.0.0.1\tFALSE\t/files\tFALSE\t", StringComparison.Ordinal) && line.EndsWith("\ttoken\tt1", StringComparison.Ordinal));
        lines.ShouldContain("127.0.0.1\tFALSE\t/\tFALSE\t0\ttemp\t1");
    }

    [Fact]
    public async Task Get_MissingCookiesFile_UsageError()
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("get", "http://127.0.0.1:9/a", "-d", temp.Out, "--load-cookies", Path.Combine(temp.Root, "none.txt"));

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("cookies file");
    }
}
