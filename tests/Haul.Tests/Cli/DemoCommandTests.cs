using Haul.Cli.Demo;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Cli;

public sealed class DemoCommandTests
{
    [Fact]
    public async Task Demo_Json_DownloadsEveryFileVerifiedDespiteFaults()
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("demo", "-d", temp.Out, "--json");

        run.ExitCode.ShouldBe(0, run.Error);
        var lines = run.JsonLines;
        lines.Count.ShouldBe(40 + 24);
        lines.ShouldAllBe(line => line.GetProperty("status").GetString() == "ok");
        var downloads = lines.Where(line => line.GetProperty("url").GetString()!.Contains("/files/", StringComparison.Ordinal)).ToList();
        downloads.Count.ShouldBe(40);
        downloads.Count(line => line.GetProperty("attempts").GetInt32() == 2).ShouldBe(6);
        foreach (var line in lines)
        {
            // The demo passes each file's checksum, so "ok" already means verified; check the disk too.
            TestData.FileSha256(line.GetProperty("path").GetString()!).ShouldBe(line.GetProperty("sha256").GetString());
        }

        // The crawl: every thumbnail and full-size picture of the gallery, nothing from its private corner.
        var gallery = DemoGallery.Generate();
        var saved = Directory.EnumerateFiles(Path.Combine(temp.Out, "gallery")).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToList();
        saved.Count.ShouldBe(gallery.Pictures.Count);
        foreach (var picture in gallery.Pictures)
        {
            var line = lines.Single(l => l.GetProperty("url").GetString()!.EndsWith(picture.Path, StringComparison.Ordinal));
            TestData.FileSha256(line.GetProperty("path").GetString()!).ShouldBe(picture.Sha256);
            line.GetProperty("page").GetString()!.ShouldContain("/gallery/");
        }

        lines.ShouldNotContain(line => line.GetProperty("url").GetString()!.Contains("private", StringComparison.Ordinal));
        Directory.EnumerateFiles(temp.Out).Count().ShouldBe(40);

        // Every demo file on disk is exactly the one the site generated, whatever fault it played.
        foreach (var file in DemoSite.GenerateFiles())
        {
            TestData.FileSha256(Path.Combine(temp.Out, Path.GetFileName(file.Path))).ShouldBe(file.Sha256, file.Path);
        }
    }

    [Fact]
    public async Task Demo_Text_PrintsItsLinesAndSummaries()
    {
        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("demo", "-d", temp.Out);

        run.ExitCode.ShouldBe(0, run.Error);
        run.Error.ShouldContain($"haul demo: 40 files from http://127.0.0.1:");
        run.Error.ShouldContain($"into {temp.Out} (a few drop the connection or answer 503 once)");
        run.Error.ShouldContain("503 Service Unavailable");
        run.Error.ShouldContain("haul: 40 done, 0 skipped, 0 failed;");
        run.Error.ShouldContain("(robots.txt keeps it out of /gallery/private/)");
        run.Error.ShouldContain("haul: 24 done, 0 skipped, 0 failed;");
        foreach (var file in DemoSite.GenerateFiles())
        {
            TestData.FileSha256(Path.Combine(temp.Out, Path.GetFileName(file.Path))).ShouldBe(file.Sha256, file.Path);
        }
    }
}
