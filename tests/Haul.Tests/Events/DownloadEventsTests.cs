using System.Collections.Concurrent;
using Haul.Errors;
using Haul.Events;
using Haul.Tests.EndToEnd;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.Events;

public sealed class DownloadEventsTests
{
    [Fact]
    public async Task EventRaised_RedirectedRetriedFinished_ArriveInOrder()
    {
        var content = TestData.Bytes(30_000, seed: 21);
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        server.Map("/moved.bin", (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status302Found;
            context.Response.Headers.Location = "/real.bin";
            return Task.CompletedTask;
        });
        server.Map("/real.bin", async (context, hit) =>
        {
            if (hit == 1)
            {
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "0";
                return;
            }

            await server.ServeAsync(context, content);
        });
        var events = new ConcurrentQueue<DownloadEvent>();
        using var downloader = new Downloader(DownloaderHarness.Options(temp.Out));
        downloader.EventRaised += (_, e) => events.Enqueue(e);

        var results = await CollectAsync(downloader, server.Url("/moved.bin"));

        results.ShouldHaveSingleItem().Status.ShouldBe(DownloadStatus.Ok);
        TestData.FileSha256(Path.Combine(temp.Out, "moved.bin")).ShouldBe(TestData.Sha256(content));
        var list = events.ToList();
        list.Select(e => e.GetType().Name).ShouldBe(
        [
            nameof(DownloadQueued),
            nameof(DownloadRequestSent), nameof(DownloadResponseReceived), nameof(DownloadRedirected),
            nameof(DownloadRequestSent), nameof(DownloadResponseReceived), nameof(DownloadRetrying),
            nameof(DownloadRequestSent), nameof(DownloadResponseReceived), nameof(DownloadRedirected),
            nameof(DownloadRequestSent), nameof(DownloadResponseReceived), nameof(DownloadStarted),
            nameof(DownloadFinished),
        ]);
        list.ShouldAllBe(e => e.Id == 1 && e.Url == server.Url("/moved.bin"));
        var redirect = list.OfType<DownloadRedirected>().First();
        redirect.From.AbsoluteUri.ShouldBe(server.Url("/moved.bin"));
        redirect.To.AbsoluteUri.ShouldBe(server.Url("/real.bin"));
        redirect.Status.ShouldBe(302);
        var retry = list.OfType<DownloadRetrying>().Single();
        retry.Attempt.ShouldBe(1);
        retry.Kind.ShouldBe(ErrorKind.Http);
        retry.StatusCode.ShouldBe(503);
        retry.Wait.ShouldBe(TimeSpan.Zero);
        retry.Reason.ShouldContain("503");
        list.OfType<DownloadResponseReceived>().Select(e => e.Status).ShouldBe([302, 503, 302, 200]);
        var started = list.OfType<DownloadStarted>().Single();
        (started.Status, started.Length, started.ResumedFrom).ShouldBe((200, (long?)content.Length, 0L));
        list.OfType<DownloadFinished>().Single().Result.Sha256.ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task EventRaised_404_RaisesFailedWithKindAndStatus()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        var events = new ConcurrentQueue<DownloadEvent>();
        using var downloader = new Downloader(DownloaderHarness.Options(temp.Out));
        downloader.EventRaised += (_, e) => events.Enqueue(e);

        await CollectAsync(downloader, server.Url("/missing.bin"));

        var failed = events.Last().ShouldBeOfType<DownloadFailed>();
        failed.Error.ShouldBeOfType<HttpStatusException>().StatusCode.ShouldBe(404);
        failed.Attempts.ShouldBe(1);
        events.OfType<DownloadRetrying>().ShouldBeEmpty();
    }

    [Fact]
    public async Task EventRaised_SubscriberThrows_TransferCompletesAndFailuresAreCounted()
    {
        var content = TestData.Bytes(200_000, seed: 22);
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        server.MapFile("/a.bin", content);
        var seen = new ConcurrentQueue<DownloadEvent>();
        using var downloader = new Downloader(DownloaderHarness.Options(temp.Out));
        downloader.EventRaised += (_, _) => throw new InvalidOperationException("a broken subscriber");
        downloader.EventRaised += (_, e) => seen.Enqueue(e);

        var result = (await CollectAsync(downloader, server.Url("/a.bin"))).ShouldHaveSingleItem();

        result.Status.ShouldBe(DownloadStatus.Ok);
        result.Attempts.ShouldBe(1);
        TestData.FileSha256(Path.Combine(temp.Out, "a.bin")).ShouldBe(TestData.Sha256(content));
        // The second subscriber still saw every event, and every throw was counted.
        seen.Last().ShouldBeOfType<DownloadFinished>();
        downloader.EventHandlerFailures.ShouldBe(seen.Count);
    }

    [Fact]
    public async Task EventRaised_CredentialHeaders_AreMasked()
    {
        await using var server = await LoopbackServer.StartAsync();
        using var temp = new TempDirectory();
        server.Map("/c.bin", async (context, _) =>
        {
            context.Response.Headers.SetCookie = "session=s3cr3t-cookie";
            context.Response.Headers["X-Upload-Token"] = "t0k3n-value";
            await server.ServeAsync(context, [1, 2, 3]);
        });
        var events = new ConcurrentQueue<DownloadEvent>();
        var options = DownloaderHarness.Options(temp.Out) with
        {
            Http = new()
            {
                Headers =
                [
                    new("Authorization", "Bearer b34r3r"),
                    new("Cookie", "a=c00kie"),
                    new("X-Api-Key", "k3y-value"),
                    new("X-Client-Secret", "s3cr3t"),
                    new("X-Visible", "plain"),
                ],
            },
        };
        using var downloader = new Downloader(options);
        downloader.EventRaised += (_, e) => events.Enqueue(e);

        await CollectAsync(downloader, server.Url("/c.bin"));

        var sent = events.OfType<DownloadRequestSent>().Single().Headers;
        var received = events.OfType<DownloadResponseReceived>().Single().Headers;
        Value(sent, "Authorization").ShouldBe("***");
        Value(sent, "Cookie").ShouldBe("***");
        Value(sent, "X-Api-Key").ShouldBe("***");
        Value(sent, "X-Client-Secret").ShouldBe("***");
        Value(sent, "X-Visible").ShouldBe("plain");
        Value(received, "Set-Cookie").ShouldBe("***");
        Value(received, "X-Upload-Token").ShouldBe("***");
        var everything = string.Join("\n", sent.Concat(received).Select(h => h.Value));
        foreach (var secret in new[] { "b34r3r", "c00kie", "k3y-value", "s3cr3t", "t0k3n-value" })
        {
            everything.ShouldNotContain(secret);
        }
    }

    private static string Value(IReadOnlyList<KeyValuePair<string, string>> headers, string name) =>
        headers.Single(h => h.Key.Equals(name, StringComparison.OrdinalIgnoreCase)).Value;

    internal static async Task<List<DownloadResult>> CollectAsync(Downloader downloader, params string[] urls)
    {
        var results = new List<DownloadResult>();
        await foreach (var result in downloader.DownloadAsync(urls, TestContext.Current.CancellationToken))
        {
            results.Add(result);
        }

        return results;
    }
}
