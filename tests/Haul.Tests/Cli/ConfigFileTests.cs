using Haul.Tests.EndToEnd;
using Haul.Tests.Http;

namespace Haul.Tests.Cli;

public sealed class ConfigFileTests
{
    [Fact]
    public async Task Get_ConfigFile_AppliesAndCommandLineWins()
    {
        var content = TestData.Bytes(4200, seed: 750);
        await using var server = await LoopbackServer.StartAsync();
        var recorder = new HeaderRecorder(server);
        recorder.MapFile("/c.bin", content);
        using var temp = new TempDirectory();
        var config = Path.Combine(temp.Root, "haul.conf");
        File.WriteAllText(config, $"""
            # settings for every run
            dir = {Path.Combine(temp.Root, "from-config")}
            user-agent = "ConfigAgent/2"
            header = X-From: config
            header = X-Both: config
            json
            """);

        var run = await CliRun.RunAsync("--config", config, server.Url("/c.bin"), "--header", "X-Both: command line", "-d", temp.Out);

        run.ExitCode.ShouldBe(0, run.Error);
        run.JsonLines.ShouldHaveSingleItem().GetProperty("status").GetString().ShouldBe("ok");
        recorder.Values("/c.bin", "User-Agent").ShouldBe(["ConfigAgent/2"]);
        recorder.Values("/c.bin", "X-From").ShouldBe(["config"]);
        recorder.Values("/c.bin", "X-Both").ShouldBe(["command line"]);
        TestData.FileSha256(Path.Combine(temp.Out, "c.bin")).ShouldBe(TestData.Sha256(content));
        Directory.Exists(Path.Combine(temp.Root, "from-config")).ShouldBeFalse();
    }

    [Fact]
    public async Task Get_DefaultConfigUnderHome_Read()
    {
        var content = TestData.Bytes(1200, seed: 751);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/h.bin", content);
        using var temp = new TempDirectory();
        var folder = Path.Combine(temp.Root, ".config", "haul");
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "haul.conf"), $"dir = {temp.Out}\njson = true\n");

        var run = await CliWithEnvironment.RunAsync(new Dictionary<string, string> { ["HOME"] = temp.Root }, server.Url("/h.bin"));

        run.ExitCode.ShouldBe(0, run.Error);
        run.JsonLines.ShouldHaveSingleItem();
        TestData.FileSha256(Path.Combine(temp.Out, "h.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task Get_UnknownSetting_UsageErrorNamingTheLine()
    {
        using var temp = new TempDirectory();
        var config = Path.Combine(temp.Root, "haul.conf");
        File.WriteAllText(config, "dir = x\n\nmax-conections = 4\n");

        var run = await CliRun.RunAsync("--config", config, "get", "http://127.0.0.1:9/a");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldBe($"haul: {config}:3: unknown setting 'max-conections' (settings are the long flag names of get and crawl, without '--').\n");
    }

    [Fact]
    public async Task Get_MissingExplicitConfig_UsageError()
    {
        var run = await CliRun.RunAsync("get", "http://127.0.0.1:9/a", "--config", "/nonexistent/haul.conf");

        run.ExitCode.ShouldBe(2);
        run.Error.ShouldContain("cannot read the config file '/nonexistent/haul.conf'");
    }

    [Fact]
    public async Task Crawl_SettingOnlyGetHas_IgnoredForCrawl()
    {
        var picture = TestData.Bytes(2200, seed: 752);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/", async (context, _) =>
        {
            context.Response.ContentType = "text/html";
            await Microsoft.AspNetCore.Http.HttpResponseWritingExtensions.WriteAsync(context.Response, "<img src=\"/p.png\">");
        });
        server.Map("/p.png", (context, _) =>
        {
            context.Response.ContentType = "image/png";
            return server.ServeAsync(context, picture);
        });
        using var temp = new TempDirectory();
        var config = Path.Combine(temp.Root, "haul.conf");
        File.WriteAllText(config, "retries = 1\nlayout = flat\nignore-robots = yes\n");

        var run = await CliRun.RunAsync("crawl", server.Url("/"), "-d", temp.Out, "--json", "--config", config);

        run.ExitCode.ShouldBe(0, run.Error);
        TestData.FileSha256(Path.Combine(temp.Out, "p.png")).ShouldBe(TestData.Sha256(picture));
        server.Hits("/robots.txt").ShouldBe(0);
    }

    [Fact]
    public async Task Config_PrintsEffectiveSettingsSourcesAndMasksCredentials()
    {
        using var temp = new TempDirectory();
        var config = Path.Combine(temp.Root, "haul.conf");
        File.WriteAllText(config, """
            max-concurrent = 32
            http-user = alice
            http-password = hunter2-secret
            header = Authorization: Bearer tok-secret
            header = Accept: image/*
            """);
        var environment = new Dictionary<string, string>
        {
            ["HOME"] = temp.Root,
            ["HTTPS_PROXY"] = "http://puser:proxy-secret@127.0.0.1:3128",
            ["no_proxy"] = "localhost",
        };

        var run = await CliWithEnvironment.RunAsync(environment, "config", "--config", config);

        run.ExitCode.ShouldBe(0, run.Error);
        var rows = run.Out.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Where(line => !line.StartsWith('#'))
            .ToDictionary(line => line.Split(' ')[0], line => line);
        rows["max-concurrent"].ShouldMatch($@"^max-concurrent\s+32\s+{System.Text.RegularExpressions.Regex.Escape(config)}:1$");
        rows["retries"].ShouldMatch(@"^retries\s+5\s+default$");
        rows["http-password"].ShouldMatch($@"^http-password\s+\*\*\*\*\s+{System.Text.RegularExpressions.Regex.Escape(config)}:3$");
        rows["header"].ShouldContain("Authorization: **** | Accept: image/*");
        rows["proxy"].ShouldContain("https: http://****@127.0.0.1:3128");
        rows["proxy"].ShouldEndWith("environment (HTTPS_PROXY)");
        rows["no-proxy"].ShouldMatch(@"^no-proxy\s+localhost\s+environment \(no_proxy\)$");
        rows["depth"].ShouldMatch(@"^depth\s+0\s+default$");
        run.Out.ShouldStartWith($"# config file: {config}\n");
        run.Out.ShouldNotContain("hunter2-secret");
        run.Out.ShouldNotContain("tok-secret");
        run.Out.ShouldNotContain("proxy-secret");
    }
}
