using Haul.Crawling;
using Haul.Tests.EndToEnd;
using Haul.Transfer;

namespace Haul.Tests.Crawling;

public sealed class CrawlUnitTests
{
    [Theory]
    [InlineData(CrawlScope.Host, "http://a.example.org/g/", "http://a.example.org/other/x", true)]
    [InlineData(CrawlScope.Host, "http://a.example.org/g/", "http://b.example.org/g/x", false)]
    [InlineData(CrawlScope.Host, "http://a.example.org:81/", "http://a.example.org:82/", false)]
    [InlineData(CrawlScope.Host, "http://a.example.org/", "https://a.example.org/x", true)]
    [InlineData(CrawlScope.Host, "http://a.example.org/", "https://a.example.org:8443/x", false)]
    [InlineData(CrawlScope.Prefix, "http://h/gallery/", "https://h/gallery/a.jpg", true)]
    [InlineData(CrawlScope.Domain, "http://a.example.org/", "http://b.example.org/x", true)]
    [InlineData(CrawlScope.Domain, "http://a.example.org/", "http://example.net/x", false)]
    [InlineData(CrawlScope.Domain, "http://127.0.0.1:80/", "http://127.0.0.2:80/", false)]
    [InlineData(CrawlScope.Domain, "http://a.example.co.uk/", "http://b.example.co.uk/x", true)]
    [InlineData(CrawlScope.Domain, "http://a.example.co.uk/", "http://other.co.uk/x", false)]
    [InlineData(CrawlScope.Domain, "https://alice.github.io/", "https://bob.github.io/x", false)]
    [InlineData(CrawlScope.Domain, "https://www.Example.COM/", "https://cdn.example.com/x", true)]
    [InlineData(CrawlScope.Prefix, "http://h/gallery/index.html", "http://h/gallery/2/x.html", true)]
    [InlineData(CrawlScope.Prefix, "http://h/gallery/index.html", "http://h/blog/x.html", false)]
    [InlineData(CrawlScope.Any, "http://h/", "https://elsewhere.test/", true)]
    public void Contains_Scope_MatchesOnlyWhatItShould(CrawlScope scope, string seed, string candidate, bool expected) =>
        ScopeRule.Contains(scope, new Uri(seed), new Uri(candidate)).ShouldBe(expected);

    [Theory]
    [InlineData("image/jpeg", 5000L, null, null, null, null)]
    [InlineData("text/html", 5000L, null, null, null, "not an image (text/html)")]
    [InlineData(null, 5000L, null, null, null, "not an image (no Content-Type)")]
    [InlineData("image/png", 5000L, "jpg", null, null, "image/png is not among --accept")]
    [InlineData("image/jpeg", 5000L, "jpg", null, null, null)]
    [InlineData("image/svg+xml", 5000L, "svg", null, null, null)]
    [InlineData("image/gif", 5000L, null, "gif", null, "image/gif is among --reject")]
    [InlineData("image/png", 100L, null, null, 1000L, "100 bytes, under --min-size 1000")]
    [InlineData("image/png", null, null, null, 1000L, null)]
    public void Refuse_ContentFilter_ExplainsRefusals(string? mediaType, long? length, string? accept, string? reject, long? minSize, string? expected)
    {
        var filter = new ContentFilter(
            accept is null ? null : new HashSet<string>([accept]),
            reject is null ? null : new HashSet<string>([reject]),
            minSize);

        filter.Refuse(mediaType, length).ShouldBe(expected);
    }

    [Fact]
    public void Frontier_SeenSetsAndStates_SurviveReopening()
    {
        using var temp = new TempDirectory();
        using (var frontier = new CrawlFrontier(temp.Out))
        {
            frontier.AddPage(new FrontierPage("k1", "http://h/1", 0, "http://h/1")).ShouldBeTrue();
            frontier.AddPage(new FrontierPage("k1", "http://h/1", 3, "http://h/1")).ShouldBeFalse();
            var a = new FrontierImage("i1", "http://h/a.jpg", "h/", "http://h/1", "alt", null);
            var b = new FrontierImage("i2", "http://h/b.jpg", null, "http://h/1", null, "t");
            frontier.RecordPage("k1", [a, b, a with { Page = "http://h/2" }], [new FrontierPage("k2", "http://h/2", 1, "http://h/1")])
                .ShouldBe([a, b]);
            frontier.RecordPage("k2", [a with { Page = "http://h/2" }], [new FrontierPage("k1", "http://h/1", 2, "http://h/1")])
                .ShouldBeEmpty();
            frontier.ImagesDone(["i2"]);
        }

        using var reopened = new CrawlFrontier(temp.Out);
        reopened.PagesVisited().ShouldBe(2);
        reopened.PendingPages(10, new HashSet<string>()).ShouldBeEmpty();
        reopened.AddPage(new FrontierPage("k3", "http://h/3", 1, "http://h/1")).ShouldBeTrue();
        reopened.PendingPages(10, new HashSet<string>()).Select(p => p.Key).ShouldBe(["k3"]);
        reopened.PendingPages(10, new HashSet<string> { "k3" }).ShouldBeEmpty();
        reopened.UnfinishedImages().ShouldHaveSingleItem().ShouldBe(new FrontierImage("i1", "http://h/a.jpg", "h/", "http://h/1", "alt", null));
    }
}
