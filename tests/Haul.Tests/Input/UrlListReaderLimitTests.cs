using Haul.Input;
using Shouldly;
using Xunit;

namespace Haul.Tests.Input;

public sealed class UrlListReaderLimitTests
{
    [Fact]
    public async Task ReadAsync_LineLongerThan64KiB_InvalidWithLineNumberAndNextLineRead()
    {
        var reader = new EndlessReader('a', 50_000_000, "\n  out=x.jpg\nhttp://example.org/b\n");

        var requests = await ReadAllAsync(reader);

        requests.Count.ShouldBe(2);
        requests[0].InputError.ShouldBe("Line 1 is longer than 64 KiB (65,536 characters); it was skipped.");
        requests[0].Url.ShouldBe(new string('a', 60) + "\u2026");
        requests[1].Url.ShouldBe("http://example.org/b");
        requests[1].Line.ShouldBe(3);
        requests[1].OutName.ShouldBeNull();
        requests[1].InputError.ShouldBeNull();
    }

    [Fact]
    public async Task ReadAsync_OverLongLineWithAToken_NothingAfterTheAuthoritysColonShown()
    {
        var reader = new EndlessReader('t', 0, "https://x-access-token:ghp_" + new string('Z', 70_000) + "@example.org/r\n");

        var requests = await ReadAllAsync(reader);

        requests.ShouldHaveSingleItem().Url.ShouldBe("https://x-access-token:\u2026");
    }

    [Fact]
    public async Task ReadAsync_LongLineAfterUrl_UrlKeptAndLongLineReported()
    {
        var requests = await ReadAllAsync(new EndlessReader('b', 0, "http://example.org/a\n  out=a.jpg\n" + new string('c', 70_000) + "\n"));

        requests.Count.ShouldBe(2);
        requests[0].Url.ShouldBe("http://example.org/a");
        requests[0].OutName.ShouldBe("a.jpg");
        requests[1].InputError.ShouldBe("Line 3 is longer than 64 KiB (65,536 characters); it was skipped.");
    }

    [Fact]
    public async Task ReadAsync_LineOfExactly64KiB_Kept()
    {
        var url = "http://example.org/" + new string('p', InputLineScanner.MaxLineChars - "http://example.org/".Length);

        var requests = await ReadAllAsync(new EndlessReader('x', 0, url + "\r\nhttp://example.org/b"));

        requests.Select(r => r.Url).ShouldBe([url, "http://example.org/b"]);
        requests.ShouldAllBe(r => r.InputError == null);
    }

    [Fact]
    public async Task ReadAsync_EndlessNulBytes_OneFailureAndStops()
    {
        var reader = new EndlessReader('\0', -1, string.Empty);

        var requests = await ReadAllAsync(reader);

        requests.Count.ShouldBe(1);
        requests[0].InputError.ShouldBe("Input looks binary (NUL byte on line 1); stopped reading.");
        reader.Given.ShouldBeLessThan(1_000_000);
    }

    [Fact]
    public async Task ReadAsync_NulAfterGoodLines_EarlierUrlsKeptThenStops()
    {
        var requests = await ReadAllAsync(new EndlessReader('x', 0, "http://example.org/a\nhttp://exa\0mple.org/b\nhttp://example.org/c\n"));

        requests.Count.ShouldBe(2);
        requests[0].Url.ShouldBe("http://example.org/a");
        requests[1].InputError.ShouldBe("Input looks binary (NUL byte on line 2); stopped reading.");
    }

    [Theory]
    [InlineData("http://example.org/a\rhttp://example.org/b\r")]
    [InlineData("http://example.org/a\r\nhttp://example.org/b\r\n")]
    [InlineData("http://example.org/a\nhttp://example.org/b")]
    public async Task ReadAsync_AnyLineBreak_SameLines(string text)
    {
        var requests = await ReadAllAsync(new EndlessReader('x', 0, text));

        requests.Select(r => (r.Url, r.Line)).ShouldBe([("http://example.org/a", (int?)1), ("http://example.org/b", 2)]);
    }

    [Fact]
    public async Task ReadAsync_CrLfSplitAcrossChunks_OneLineBreak()
    {
        // The scanner reads 16 Ki characters at a time: the \r ends one chunk and the \n starts the next.
        var first = "http://example.org/" + new string('q', (16 * 1024) - "http://example.org/".Length - 1);

        var requests = await ReadAllAsync(new EndlessReader('x', 0, first + "\r\nhttp://example.org/b\n"));

        requests.Select(r => (r.Url, r.Line)).ShouldBe([(first, (int?)1), ("http://example.org/b", 2)]);
    }

    private static async Task<List<DownloadRequest>> ReadAllAsync(TextReader reader)
    {
        var requests = new List<DownloadRequest>();
        await foreach (var request in UrlListReader.ReadAsync(reader, TestContext.Current.CancellationToken))
        {
            requests.Add(request);
        }

        return requests;
    }
}
