using Haul.Journal;
using Haul.Storage;
using Microsoft.AspNetCore.Http;

namespace Haul.Tests.EndToEnd;

public sealed class JournalTests
{
    [Fact]
    public async Task Rerun_EverythingDone_SkipsWithoutAnyRequest()
    {
        var contents = Enumerable.Range(0, 20).Select(i => TestData.Bytes(5000 + i, seed: 400 + i)).ToArray();
        await using var server = await LoopbackServer.StartAsync();
        for (var i = 0; i < contents.Length; i++)
        {
            server.MapFile($"/j/{i}.bin", contents[i]);
        }

        using var temp = new TempDirectory();
        var requests = Enumerable.Range(0, contents.Length).Select(i => new DownloadRequest(server.Url($"/j/{i}.bin"))).ToArray();
        var first = await DownloaderHarness.RunAsync(DownloaderHarness.Options(temp.Out), requests);
        first.ShouldAllBe(r => r.Status == DownloadStatus.Ok);
        var requestsAfterFirst = server.Requests.Count;

        var second = await DownloaderHarness.RunAsync(DownloaderHarness.Options(temp.Out), requests);

        second.ShouldAllBe(r => r.Status == DownloadStatus.Skipped && r.Note == "already downloaded");
        server.Requests.Count.ShouldBe(requestsAfterFirst);
        for (var i = 0; i < contents.Length; i++)
        {
            second.Single(r => r.Url == server.Url($"/j/{i}.bin")).Sha256.ShouldBe(TestData.Sha256(contents[i]));
            TestData.FileSha256(Path.Combine(temp.Out, $"{i}.bin")).ShouldBe(TestData.Sha256(contents[i]));
        }
    }

    [Fact]
    public async Task Journal_AfterRun_RecordsEveryRequestConsistentWithDisk()
    {
        var content = TestData.Bytes(9000, seed: 410);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/ok.bin", content, "\"ok\"");
        using var temp = new TempDirectory();

        await DownloaderHarness.RunAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/ok.bin")), new(server.Url("/missing.bin")));

        var entries = await ReadJournalAsync(temp.Out);
        entries.Count.ShouldBe(2);
        var done = entries.Single(e => e.Url == server.Url("/ok.bin"));
        done.State.ShouldBe(JournalState.Done);
        done.Path.ShouldBe("ok.bin");
        done.Size.ShouldBe(content.Length);
        done.Sha256.ShouldBe(TestData.FileSha256(Path.Combine(temp.Out, "ok.bin")));
        done.ETag.ShouldBe("\"ok\"");
        done.Attempts.ShouldBe(1);
        var failed = entries.Single(e => e.Url == server.Url("/missing.bin"));
        failed.State.ShouldBe(JournalState.Failed);
        failed.ErrorKind.ShouldBe("http");
        failed.Error.ShouldBe($"404 Not Found from {server.Url("/missing.bin")}.");
    }

    [Fact]
    public async Task Rerun_FileDeletedOrChanged_FetchedAgain()
    {
        var a = TestData.Bytes(4000, seed: 420);
        var b = TestData.Bytes(4100, seed: 421);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/a.bin", a);
        server.MapFile("/b.bin", b);
        using var temp = new TempDirectory();
        DownloadRequest[] requests = [new(server.Url("/a.bin")), new(server.Url("/b.bin"))];
        await DownloaderHarness.RunAsync(DownloaderHarness.Options(temp.Out), requests);
        File.Delete(Path.Combine(temp.Out, "a.bin"));
        await File.WriteAllTextAsync(Path.Combine(temp.Out, "b.bin"), "edited by hand", TestContext.Current.CancellationToken);

        var second = await DownloaderHarness.RunAsync(DownloaderHarness.Options(temp.Out), requests);

        second.ShouldAllBe(r => r.Status == DownloadStatus.Ok);
        server.Hits("/a.bin").ShouldBe(2);
        server.Hits("/b.bin").ShouldBe(2);
        TestData.FileSha256(Path.Combine(temp.Out, "a.bin")).ShouldBe(TestData.Sha256(a));
        TestData.FileSha256(Path.Combine(temp.Out, "b.bin")).ShouldBe(TestData.Sha256(b));
        temp.AllFiles().ShouldBe([Path.Combine("out", "a.bin"), Path.Combine("out", "b.bin")]);
    }

    [Fact]
    public async Task Rerun_FailedItem_IsRetried()
    {
        var content = TestData.Bytes(3000, seed: 430);
        await using var server = await LoopbackServer.StartAsync();
        var healthy = false;
        server.Map("/flaky.bin", async (context, _) =>
        {
            if (!Volatile.Read(ref healthy))
            {
                context.Response.StatusCode = StatusCodes.Status500InternalServerError;
                return;
            }

            await server.ServeAsync(context, content);
        });
        using var temp = new TempDirectory();
        var options = DownloaderHarness.Options(temp.Out) with { Retries = 0 };
        (await DownloaderHarness.RunOneAsync(options, new(server.Url("/flaky.bin")))).Status.ShouldBe(DownloadStatus.Failed);
        Volatile.Write(ref healthy, true);

        var second = await DownloaderHarness.RunOneAsync(options, new(server.Url("/flaky.bin")));

        second.Status.ShouldBe(DownloadStatus.Ok);
        TestData.FileSha256(Path.Combine(temp.Out, "flaky.bin")).ShouldBe(TestData.Sha256(content));
        (await ReadJournalAsync(temp.Out)).ShouldHaveSingleItem().State.ShouldBe(JournalState.Done);
    }

    [Fact]
    public async Task Rerun_SameNameFromAnotherUrl_DoesNotTakeTheJournalOwnersFile()
    {
        var first = TestData.Bytes(1000, seed: 440);
        var second = TestData.Bytes(1100, seed: 441);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/x/pic.jpg", first);
        server.MapFile("/y/pic.jpg", second);
        using var temp = new TempDirectory();
        await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/x/pic.jpg")));

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/y/pic.jpg")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        result.Path.ShouldBe(Path.Combine(temp.Out, "pic.1.jpg"));
        TestData.FileSha256(Path.Combine(temp.Out, "pic.jpg")).ShouldBe(TestData.Sha256(first));
        TestData.FileSha256(Path.Combine(temp.Out, "pic.1.jpg")).ShouldBe(TestData.Sha256(second));
    }

    [Fact]
    public async Task Rerun_FileOnDiskButNotInJournal_AdoptedAfterLengthProbe()
    {
        var content = TestData.Bytes(2222, seed: 450);
        await using var server = await LoopbackServer.StartAsync();
        server.Map("/kept.bin", (context, _) =>
            LoopbackServer.TryAnswerBeyondEnd(context, content.Length) ? Task.CompletedTask : server.ServeAsync(context, content));
        using var temp = new TempDirectory();
        await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out) with { UseJournal = false }, new(server.Url("/kept.bin")));
        Directory.Exists(Path.Combine(temp.Out, ".haul")).ShouldBeFalse();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/kept.bin")));

        result.Status.ShouldBe(DownloadStatus.Skipped);
        server.Hits("/kept.bin").ShouldBe(2);
        server.Requests.Last().Range.ShouldBe($"bytes={content.Length}-");
        server.BodyBytes.ShouldBe(content.Length);
        TestData.FileSha256(Path.Combine(temp.Out, "kept.bin")).ShouldBe(TestData.Sha256(content));
        var entry = (await ReadJournalAsync(temp.Out)).ShouldHaveSingleItem();
        entry.State.ShouldBe(JournalState.Done);
        entry.Sha256.ShouldBe(TestData.Sha256(content));
        entry.Size.ShouldBe(content.Length);
    }

    [Fact]
    public async Task CheckUpdates_NotModified_SkippedAfterConditionalRequest()
    {
        var content = TestData.Bytes(6000, seed: 460);
        await using var server = await LoopbackServer.StartAsync();
        var conditions = new List<string>();
        server.Map("/same.bin", (context, _) =>
        {
            var ifNoneMatch = context.Request.Headers.IfNoneMatch.ToString();
            lock (conditions)
            {
                conditions.Add(ifNoneMatch);
            }

            if (ifNoneMatch == "\"same\"")
            {
                context.Response.StatusCode = StatusCodes.Status304NotModified;
                return Task.CompletedTask;
            }

            return server.ServeAsync(context, content, "\"same\"");
        });
        using var temp = new TempDirectory();
        await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/same.bin")));

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out) with { CheckUpdates = true }, new(server.Url("/same.bin")));

        result.Status.ShouldBe(DownloadStatus.Skipped);
        result.Note.ShouldBe("not modified on the server");
        conditions.ShouldBe([string.Empty, "\"same\""]);
        TestData.FileSha256(Path.Combine(temp.Out, "same.bin")).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task CheckUpdates_Changed_NewBodyReplacesOldFile()
    {
        var oldContent = TestData.Bytes(6000, seed: 470);
        var newContent = TestData.Bytes(7000, seed: 471);
        await using var server = await LoopbackServer.StartAsync();
        var version = 1;
        server.Map("/news.bin", (context, _) => Volatile.Read(ref version) == 1
            ? server.ServeAsync(context, oldContent, "\"v1\"")
            : context.Request.Headers.IfNoneMatch == "\"v2\""
                ? Task.Run(() => context.Response.StatusCode = StatusCodes.Status304NotModified)
                : server.ServeAsync(context, newContent, "\"v2\""));
        using var temp = new TempDirectory();
        await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out), new(server.Url("/news.bin")));
        Volatile.Write(ref version, 2);
        var options = DownloaderHarness.Options(temp.Out) with { CheckUpdates = true };

        var updated = await DownloaderHarness.RunOneAsync(options, new(server.Url("/news.bin")));
        var again = await DownloaderHarness.RunOneAsync(options, new(server.Url("/news.bin")));

        updated.Status.ShouldBe(DownloadStatus.Ok);
        updated.Path.ShouldBe(Path.Combine(temp.Out, "news.bin"));
        TestData.FileSha256(Path.Combine(temp.Out, "news.bin")).ShouldBe(TestData.Sha256(newContent));
        again.Status.ShouldBe(DownloadStatus.Skipped);
        temp.AllFiles().ShouldBe([Path.Combine("out", "news.bin")]);
    }

    [Fact]
    public async Task Archive_SharedBetweenTwoDirectories_SecondSkipsBeforeAnyRequest()
    {
        var content = TestData.Bytes(3333, seed: 480);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/shared.bin", content);
        using var temp = new TempDirectory();
        var archive = Path.Combine(temp.Root, "archive.db");
        var first = await DownloaderHarness.RunOneAsync(
            DownloaderHarness.Options(Path.Combine(temp.Root, "one")) with { ArchivePath = archive },
            new(server.Url("/shared.bin")));
        first.Status.ShouldBe(DownloadStatus.Ok);

        // Another spelling of the same URL: upper-case scheme and host, a fragment.
        var sameUrl = server.Url("/shared.bin").Replace("http://127.0.0.1", "HTTP://127.0.0.1", StringComparison.Ordinal) + "#top";
        var second = await DownloaderHarness.RunOneAsync(
            DownloaderHarness.Options(Path.Combine(temp.Root, "two")) with { ArchivePath = archive },
            new(sameUrl));

        second.Status.ShouldBe(DownloadStatus.Skipped);
        second.Note.ShouldBe("in the archive");
        second.Sha256.ShouldBe(TestData.Sha256(content));
        second.Path.ShouldBe(Path.Combine(temp.Root, "one", "shared.bin"));
        server.Hits("/shared.bin").ShouldBe(1);
        Directory.Exists(Path.Combine(temp.Root, "two", "shared.bin")).ShouldBeFalse();
    }

    [Fact]
    public async Task Dedupe_SameContentUnderTwoUrls_SecondIsAHardLink()
    {
        var content = TestData.Bytes(8000, seed: 490);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/first.bin", content);
        server.MapFile("/second.bin", content);
        using var temp = new TempDirectory();
        var options = DownloaderHarness.Options(temp.Out) with { Dedupe = true };
        await DownloaderHarness.RunOneAsync(options, new(server.Url("/first.bin")));

        var result = await DownloaderHarness.RunOneAsync(options, new(server.Url("/second.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        result.Note.ShouldBe($"hard link to {Path.Combine(temp.Out, "first.bin")}, which has the same content");
        TestData.FileSha256(Path.Combine(temp.Out, "second.bin")).ShouldBe(TestData.Sha256(content));

        // A hard link shares its bytes: a change through one name shows through the other.
        await File.AppendAllTextAsync(Path.Combine(temp.Out, "first.bin"), "x", TestContext.Current.CancellationToken);
        new FileInfo(Path.Combine(temp.Out, "second.bin")).Length.ShouldBe(content.Length + 1);
        temp.AllFiles().ShouldBe([Path.Combine("out", "first.bin"), Path.Combine("out", "second.bin")]);
    }

    [Fact]
    public async Task Dedupe_TwinRewrittenInPlaceSinceRecorded_StoredAsItsOwnCopy()
    {
        var content = TestData.Bytes(8000, seed: 491);
        var changed = TestData.Bytes(8000, seed: 492);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/b/x.bin", content);
        server.MapFile("/b/y.bin", content);
        using var temp = new TempDirectory();
        var options = DownloaderHarness.Options(temp.Out) with { Dedupe = true };
        var x = Path.Combine(temp.Out, "x.bin");
        var y = Path.Combine(temp.Out, "y.bin");
        (await DownloaderHarness.RunOneAsync(options, new(server.Url("/b/x.bin")))).Status.ShouldBe(DownloadStatus.Ok);
        await RewriteInPlaceAsync(x, changed);

        var result = await DownloaderHarness.RunOneAsync(options, new(server.Url("/b/y.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        result.Path.ShouldBe(y);
        result.Sha256.ShouldBe(TestData.Sha256(content));
        result.Note.ShouldBeNull();
        TestData.FileSha256(y).ShouldBe(TestData.Sha256(content));
        TestData.FileSha256(x).ShouldBe(TestData.Sha256(changed));
        FileIdentity.OfPath(y).ShouldNotBeNull();
        FileIdentity.OfPath(y).ShouldNotBe(FileIdentity.OfPath(x));
    }

    [Fact]
    public async Task Dedupe_FirstTwinRewrittenSecondIntact_LinksToTheIntactOne()
    {
        var content = TestData.Bytes(8000, seed: 493);
        var changed = TestData.Bytes(8000, seed: 494);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/x.bin", content);
        server.MapFile("/w.bin", content);
        server.MapFile("/y.bin", content);
        using var temp = new TempDirectory();
        var plain = DownloaderHarness.Options(temp.Out);
        var x = Path.Combine(temp.Out, "x.bin");
        var w = Path.Combine(temp.Out, "w.bin");
        var y = Path.Combine(temp.Out, "y.bin");
        (await DownloaderHarness.RunOneAsync(plain, new(server.Url("/x.bin")))).Status.ShouldBe(DownloadStatus.Ok);
        (await DownloaderHarness.RunOneAsync(plain, new(server.Url("/w.bin")))).Status.ShouldBe(DownloadStatus.Ok);
        await RewriteInPlaceAsync(x, changed);

        var result = await DownloaderHarness.RunOneAsync(plain with { Dedupe = true }, new(server.Url("/y.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        result.Note.ShouldBe($"hard link to {w}, which has the same content");
        TestData.FileSha256(y).ShouldBe(TestData.Sha256(content));
        FileIdentity.OfPath(y).ShouldNotBeNull();
        FileIdentity.OfPath(y).ShouldBe(FileIdentity.OfPath(w));
        TestData.FileSha256(x).ShouldBe(TestData.Sha256(changed));
    }

    [Fact]
    public async Task Dedupe_TwinReplacedBySymbolicLink_NotLinkedAndLinkTargetUntouched()
    {
        var content = TestData.Bytes(8000, seed: 495);
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/x.bin", content);
        server.MapFile("/y.bin", content);
        using var temp = new TempDirectory();
        var options = DownloaderHarness.Options(temp.Out) with { Dedupe = true };
        var x = Path.Combine(temp.Out, "x.bin");
        var y = Path.Combine(temp.Out, "y.bin");
        (await DownloaderHarness.RunOneAsync(options, new(server.Url("/x.bin")))).Status.ShouldBe(DownloadStatus.Ok);
        var outside = Path.Combine(temp.Root, "outside.bin");
        await File.WriteAllBytesAsync(outside, content, TestContext.Current.CancellationToken);
        File.Delete(x);
        File.CreateSymbolicLink(x, outside);

        var result = await DownloaderHarness.RunOneAsync(options, new(server.Url("/y.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        result.Note.ShouldBeNull();
        new FileInfo(y).LinkTarget.ShouldBeNull();
        TestData.FileSha256(y).ShouldBe(TestData.Sha256(content));
        FileIdentity.OfPath(y).ShouldNotBe(FileIdentity.OfPath(outside));
        TestData.FileSha256(outside).ShouldBe(TestData.Sha256(content));
    }

    [Fact]
    public async Task NoJournal_LeavesNoHaulFolder()
    {
        await using var server = await LoopbackServer.StartAsync();
        server.MapFile("/n.bin", TestData.Bytes(10));
        using var temp = new TempDirectory();

        var result = await DownloaderHarness.RunOneAsync(DownloaderHarness.Options(temp.Out) with { UseJournal = false }, new(server.Url("/n.bin")));

        result.Status.ShouldBe(DownloadStatus.Ok);
        Directory.EnumerateFileSystemEntries(temp.Out).Select(Path.GetFileName).ShouldBe(["n.bin"]);
    }

    /// <summary>Writes over a file's bytes through its own inode (no new file, so hard links to it see the change).</summary>
    private static async Task RewriteInPlaceAsync(string path, byte[] bytes)
    {
        await using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        await stream.WriteAsync(bytes, TestContext.Current.CancellationToken);
    }

    internal static async Task<List<JournalEntry>> ReadJournalAsync(string directory)
    {
        var entries = new List<JournalEntry>();
        await foreach (var entry in DownloadJournal.ReadAsync(DownloadJournal.PathFor(directory), JournalFilter.All, TestContext.Current.CancellationToken))
        {
            entries.Add(entry);
        }

        return entries;
    }
}
