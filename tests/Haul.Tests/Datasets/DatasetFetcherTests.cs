using System.Security.Cryptography;
using Haul.Datasets;
using Haul.Errors;
using Haul.Tests.EndToEnd;

namespace Haul.Tests.Datasets;

public sealed class DatasetFetcherTests
{
    [Fact]
    public async Task FetchAsync_MixedReplies_BytesAsServedAndFailuresByKind()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var server = await LoopbackServer.StartAsync();
        var jpeg = TestImages.Solid(120, 80, ".jpg", 200, 30, 30);
        var png = TestImages.Solid(50, 50, ".png", 1, 2, 3);
        server.MapFile("/ok.jpg", jpeg);
        server.Map("/missing.jpg", (context, _) =>
        {
            context.Response.StatusCode = 404;
            return Task.CompletedTask;
        });
        server.Map("/busy.png", (context, hit) =>
        {
            if (hit == 1)
            {
                context.Response.StatusCode = 429;
                context.Response.Headers.RetryAfter = "0";
                return Task.CompletedTask;
            }

            return server.ServeAsync(context, png);
        });
        for (var hop = 1; hop <= 3; hop++)
        {
            var next = hop == 3 ? "/ok.jpg" : $"/hop{hop + 1}";
            server.Map($"/hop{hop}", (context, _) =>
            {
                context.Response.StatusCode = 302;
                context.Response.Headers.Location = next;
                return Task.CompletedTask;
            });
        }

        server.Map("/noai.jpg", (context, _) =>
        {
            context.Response.Headers["X-Robots-Tag"] = "noai";
            return server.ServeAsync(context, jpeg);
        });
        using var temp = new TempDirectory();
        var samples = new[]
        {
            Sample(0, server.Url("/ok.jpg")),
            Sample(1, server.Url("/missing.jpg")),
            Sample(2, server.Url("/busy.png")),
            Sample(3, server.Url("/hop1")),
            Sample(4, server.Url("/noai.jpg")),
            Sample(5, string.Empty),
            Sample(6, "ftp://127.0.0.1/x.jpg"),
        };

        using var fetcher = new DatasetFetcher(temp.Out, DownloaderHarness.Options(temp.Out), ["noai", "noimageai"]);
        var fetched = new Dictionary<string, FetchedSample>();
        await foreach (var item in fetcher.FetchAsync(samples.Select(s => (s, $"{s.Row:D9}")).ToAsyncEnumerable(), ct))
        {
            fetched.Add(item.Key, item);
        }

        fetched.Count.ShouldBe(7);
        Sha(fetched["000000000"].Bytes!).ShouldBe(Sha(jpeg));
        fetched["000000000"].Sha256.ShouldBe(Sha(jpeg));
        fetched["000000001"].Error.ShouldBeOfType<HttpStatusException>().StatusCode.ShouldBe(404);
        Sha(fetched["000000002"].Bytes!).ShouldBe(Sha(png));
        server.Hits("/busy.png").ShouldBe(2);
        Sha(fetched["000000003"].Bytes!).ShouldBe(Sha(jpeg));
        fetched["000000004"].Error!.Kind.ShouldBe(ErrorKind.Scope);
        fetched["000000004"].Error!.Message.ShouldContain("X-Robots-Tag: noai");
        fetched["000000005"].Error!.Kind.ShouldBe(ErrorKind.InvalidUrl);
        fetched["000000006"].Error!.Kind.ShouldBe(ErrorKind.InvalidUrl);
        fetched.Values.Where(f => f.Error is not null).ShouldAllBe(f => f.Bytes == null && f.Sha256 == null);
        Directory.EnumerateFiles(fetcher.Incoming, "*", SearchOption.AllDirectories).ShouldBeEmpty();
        Directory.EnumerateFileSystemEntries(temp.Out).Select(Path.GetFileName).ShouldBe([".haul"]);
    }

    [Fact]
    public async Task FetchAsync_UnreadableInputRow_FailsWithoutARequest()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        var sample = Sample(0, "…") with { InputError = "Line 2 of in.csv is not valid JSON." };

        using var fetcher = new DatasetFetcher(temp.Out, DownloaderHarness.Options(temp.Out), []);
        var fetched = new List<FetchedSample>();
        await foreach (var item in fetcher.FetchAsync(new[] { (sample, "000000000") }.ToAsyncEnumerable(), TestContext.Current.CancellationToken))
        {
            fetched.Add(item);
        }

        var only = fetched.ShouldHaveSingleItem();
        only.Error!.Kind.ShouldBe(ErrorKind.InvalidUrl);
        only.Error.Message.ShouldContain("Line 2 of in.csv is not valid JSON.");
        server.Requests.ShouldBeEmpty();
    }

    [Fact]
    public async Task FetchAsync_SameKeyTwice_Refused()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/a.jpg", [1, 2, 3]);
        using var temp = new TempDirectory();
        var twice = new[] { (Sample(0, server.Url("/a.jpg")), "000000000"), (Sample(1, server.Url("/a.jpg")), "000000000") };

        using var fetcher = new DatasetFetcher(temp.Out, DownloaderHarness.Options(temp.Out), []);

        await Should.ThrowAsync<ArgumentException>(async () =>
        {
            await foreach (var _ in fetcher.FetchAsync(twice.ToAsyncEnumerable(), TestContext.Current.CancellationToken))
            {
            }
        });
    }

    private static DatasetSample Sample(long row, string url) => new(0, row, url, null, []);

    private static string Sha(byte[] bytes) => Convert.ToHexStringLower(SHA256.HashData(bytes));
}
