using System.Text;
using Haul.Distributed;
using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Http;

public sealed class UrlCredentialsTests
{
    // Percent-encoded in the URL: '@' and ':' in a password must be, and are sent decoded.
    private const string EncodedPassword = "pa55%40w0rd%3Anever-shown";
    private const string Password = "pa55@w0rd:never-shown";
    private const string Secret = "never-shown";

    private static readonly string Basic = "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"alice:{Password}"));

    [Fact]
    public async Task Get_PasswordInUrl_BasicToItsHostOnlyAndMaskedInOutputJournalArchiveAndList()
    {
        var content = TestData.Bytes(5000, seed: 731);
        var moved = TestData.Bytes(4000, seed: 732);
        await using var first = await LoopbackServer.StartAsync();
        await using var second = await LoopbackServer.StartAsync();
        var firstSeen = new HeaderRecorder(first);
        var secondSeen = new HeaderRecorder(second);
        firstSeen.MapFile("/file.bin", content, RequireBasic);
        firstSeen.MapRedirect("/moved.bin", second.Url("/moved.bin"));
        secondSeen.MapFile("/moved.bin", moved);
        using var temp = new TempDirectory();
        var archive = Path.Combine(temp.Root, "archive.db");
        var file = WithLogin(first.Url("/file.bin"));

        var run = await CliRun.RunAsync("get", file, WithLogin(first.Url("/moved.bin")), "http://bob:hunter2-" + Secret + "@/no-host", "-d", temp.Out, "--json", "--archive", archive);
        var again = await CliRun.RunAsync("get", file, "-d", temp.Out, "--progress", "plain");
        var list = await CliRun.RunAsync("list", "-d", temp.Out);

        run.ExitCode.ShouldBe(1, run.Error);
        firstSeen.Values("/file.bin", "Authorization").ShouldBe([Basic]);
        firstSeen.Values("/moved.bin", "Authorization").ShouldBe([Basic]);
        secondSeen.Values("/moved.bin", "Authorization").ShouldBe([null]);
        TestData.FileSha256(Path.Combine(temp.Out, "file.bin")).ShouldBe(TestData.Sha256(content));
        TestData.FileSha256(Path.Combine(temp.Out, "moved.bin")).ShouldBe(TestData.Sha256(moved));
        run.Out.ShouldContain($"\"url\":\"{first.Url("/file.bin").Replace("http://", "http://alice:***@", StringComparison.Ordinal)}\"");
        run.Out.ShouldContain("http://bob:***@/no-host");
        again.ExitCode.ShouldBe(0, again.Error);
        foreach (var text in new[] { run.Out, run.Error, again.Out, again.Error, list.Out, list.Error })
        {
            text.ShouldNotContain(Secret);
            text.ShouldNotContain("pa55");
        }

        foreach (var path in Directory.EnumerateFiles(temp.Root, "*", SearchOption.AllDirectories).Where(p => !p.EndsWith(".bin", StringComparison.Ordinal)))
        {
            Encoding.Latin1.GetString(File.ReadAllBytes(path)).ShouldNotContain("pa55", customMessage: path);
        }
    }

    [Fact]
    public async Task Crawl_StartPageWithPassword_PagesAndPicturesOfItsOriginFetchedWithIt()
    {
        var picture = TestData.Bytes(6000, seed: 733);
        await using var server = await LoopbackServer.StartAsync();
        var seen = new HeaderRecorder(server);
        server.Map("/robots.txt", (context, _) => context.Response.WriteAsync("User-agent: *\nDisallow:\n"));
        server.Map("/", (context, _) =>
        {
            if (context.Request.Headers.Authorization.ToString() != Basic)
            {
                context.Response.StatusCode = 401;
                return Task.CompletedTask;
            }

            context.Response.ContentType = "text/html; charset=utf-8";
            return context.Response.WriteAsync("<html><body><img src=\"/pic.jpg\" alt=\"a picture\"></body></html>");
        });
        seen.MapFile("/pic.jpg", picture, context =>
        {
            RequireBasic(context);
            context.Response.ContentType = "image/jpeg";
        });
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", WithLogin(server.Url("/")), "-d", temp.Out, "--layout", "flat", "--json");

        run.ExitCode.ShouldBe(0, run.Out + run.Error);
        seen.Values("/pic.jpg", "Authorization").ShouldBe([Basic], run.Out + run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "pic.jpg")).ShouldBe(TestData.Sha256(picture));
        (run.Out + run.Error).ShouldNotContain("pa55");
    }

    [Fact]
    public async Task Get_PasswordWithAnUnescapedHash_RefusedNeverFetchedNeverShown()
    {
        using var temp = new TempDirectory();

        // A URI parser reads this as host "admin", port 12: it must not be fetched at all.
        var run = await CliRun.RunAsync("get", "http://admin:12#9k@127.0.0.1:9/f.bin", "-d", temp.Out, "--json");

        run.ExitCode.ShouldBe(1);
        var line = run.JsonLines.ShouldHaveSingleItem();
        line.GetProperty("error").GetProperty("kind").GetString().ShouldBe("invalid-url");
        line.GetProperty("url").GetString().ShouldBe("http://admin:***@127.0.0.1:9/f.bin");
        (run.Out + run.Error).ShouldNotContain("9k");
        foreach (var file in Directory.EnumerateFiles(temp.Out, "*", SearchOption.AllDirectories))
        {
            File.ReadAllText(file).ShouldNotContain("12#9k");
        }
    }

    [Fact]
    public void Write_ResultWithPasswordInUrl_Masked()
    {
        var result = new DownloadResult { Request = new DownloadRequest("http://alice:" + EncodedPassword + "@example.org/x"), Status = DownloadStatus.Ok };
        using var buffer = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer))
        {
            ResultJson.Write(json, result, "worker-1");
        }

        var text = Encoding.UTF8.GetString(buffer.ToArray());
        text.ShouldContain("\"url\":\"http://alice:***@example.org/x\"");
        text.ShouldNotContain("pa55");
    }

    private static string WithLogin(string url) => url.Replace("http://", $"http://alice:{EncodedPassword}@", StringComparison.Ordinal);

    private static void RequireBasic(HttpContext context)
    {
        if (context.Request.Headers.Authorization.ToString() != Basic)
        {
            throw new InvalidOperationException("no credentials");
        }
    }
}
