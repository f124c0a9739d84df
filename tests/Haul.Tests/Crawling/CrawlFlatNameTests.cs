using Haul.Crawling;
using Haul.Tests.Cli;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Crawling;

public sealed class CrawlFlatNameTests
{
    [Fact]
    public async Task Crawl_FlatLayoutSameFileNames_ToldApartByTheirPath()
    {
        await using var server = await LoopbackServer.StartAsync();
        var pictures = new Dictionary<string, byte[]>(StringComparer.Ordinal)
        {
            ["/full/01.jpg"] = TestData.Bytes(5000, seed: 5100),
            ["/thumbs/01.jpg"] = TestData.Bytes(1200, seed: 5101),
            ["/other/thumbs/01.jpg"] = TestData.Bytes(1300, seed: 5102),
        };
        server.Map("/", (context, _) =>
        {
            context.Response.ContentType = "text/html";
            return context.Response.WriteAsync("""
                <a href="/full/01.jpg"><img src="/thumbs/01.jpg"></a><img src="/other/thumbs/01.jpg">
                """);
        });
        foreach (var (path, content) in pictures)
        {
            server.Map(path, (context, _) =>
            {
                context.Response.ContentType = "image/jpeg";
                return server.ServeAsync(context, content);
            });
        }

        using var temp = new TempDirectory();

        var run = await CliRun.RunAsync("crawl", server.Url("/"), "-d", temp.Out, "--layout", "flat", "-q");

        run.ExitCode.ShouldBe(0, run.Error);
        temp.AllFiles().ShouldBe([Path.Combine("out", "01.jpg"), Path.Combine("out", "other_thumbs_01.jpg"), Path.Combine("out", "thumbs_01.jpg")]);
        TestData.FileSha256(Path.Combine(temp.Out, "01.jpg")).ShouldBe(TestData.Sha256(pictures["/full/01.jpg"]));
        TestData.FileSha256(Path.Combine(temp.Out, "thumbs_01.jpg")).ShouldBe(TestData.Sha256(pictures["/thumbs/01.jpg"]));
        TestData.FileSha256(Path.Combine(temp.Out, "other_thumbs_01.jpg")).ShouldBe(TestData.Sha256(pictures["/other/thumbs/01.jpg"]));
    }

    [Fact]
    public void Candidates_PathAndQuery_FromFileNameToFullPathThenHash()
    {
        var names = FlatName.Candidates("k", new Uri("https://h.test/a/thumbs/01.jpg?v=2")).ToList();

        names[..4].ShouldBe(["01.jpg", "thumbs_01.jpg", "a_thumbs_01.jpg", "h.test_a_thumbs_01.jpg"]);
        names[4].ShouldMatch(@"^h\.test_a_thumbs_01_[0-9a-f]{10}\.jpg$");
    }
}
