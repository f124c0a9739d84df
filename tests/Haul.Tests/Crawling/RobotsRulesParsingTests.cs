using System.Text;
using Haul.Crawling;

namespace Haul.Tests.Crawling;

public sealed class RobotsRulesParsingTests
{
    [Theory]
    [InlineData("\n")]
    [InlineData("\r\n")]
    [InlineData("\r")]
    public void Parse_AnyLineEnding_ReadsEveryLine(string lineEnding)
    {
        var robots = string.Join(lineEnding, "User-agent: haul", "Disallow: /a/", "Disallow: /b/", "Crawl-delay: 3");

        var rules = RobotsRules.Parse(robots, "haul");

        rules.IsAllowed("/a/x").ShouldBeFalse();
        rules.IsAllowed("/b/x").ShouldBeFalse();
        rules.IsAllowed("/c/x").ShouldBeTrue();
        rules.CrawlDelay.ShouldBe(TimeSpan.FromSeconds(3));
    }

    [Fact]
    public void Parse_ByteOrderMark_IsSkipped()
    {
        var rules = RobotsRules.Parse("\uFEFFUser-agent: haul\nDisallow: /a/\n", "haul");

        rules.IsAllowed("/a/x").ShouldBeFalse();
    }

    [Fact]
    public void Parse_Utf8BytesWithByteOrderMark_AreDecoded()
    {
        var bytes = Encoding.UTF8.GetPreamble().Concat(Encoding.UTF8.GetBytes("User-agent: haul\nDisallow: /café/\n")).ToArray();

        var rules = RobotsRules.Parse(bytes, "haul");

        rules.IsAllowed(new Uri("https://example.com/café/menu")).ShouldBeFalse();
        rules.IsAllowed("/other").ShouldBeTrue();
    }

    [Fact]
    public void Parse_CommentsWhitespaceAndKeyCase_AreTolerated()
    {
        const string robots = """
            # robots.txt for example.com
               USER-AGENT :   haul   # that is us
            	disallow:/tabbed/
            DisAllow :  /spaced/   # trailing comment
            ALLOW: /spaced/open/
            CRAWL-DELAY: 2 # seconds
            """;

        var rules = RobotsRules.Parse(robots, "haul");

        rules.IsAllowed("/tabbed/x").ShouldBeFalse();
        rules.IsAllowed("/spaced/x").ShouldBeFalse();
        rules.IsAllowed("/spaced/open/x").ShouldBeTrue();
        rules.CrawlDelay.ShouldBe(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void Parse_GarbageAndUnknownLines_AreIgnored()
    {
        const string robots = """
            <html><body>Not Found</body></html>
            User-agent: haul
            this line has no colon
            : a value with no key
            Sitemap: https://example.com/sitemap.xml
            Host: example.com
            Noindex: /x/
            Disallow: /kept/
            """;

        var rules = RobotsRules.Parse(robots, "haul");

        rules.IsAllowed("/kept/x").ShouldBeFalse();
        rules.IsAllowed("/x/").ShouldBeTrue();
    }

    [Theory]
    [InlineData("10", 10_000)]
    [InlineData("0", 0)]
    [InlineData("0.5", 500)]
    [InlineData(".25", 250)]
    [InlineData("2.", 2_000)]
    [InlineData("1.125", 1_125)]
    public void CrawlDelay_SecondsWithOrWithoutDecimals_Parsed(string value, int expectedMilliseconds)
    {
        var rules = RobotsRules.Parse($"User-agent: haul\nCrawl-delay: {value}\n", "haul");

        rules.CrawlDelay.ShouldBe(TimeSpan.FromMilliseconds(expectedMilliseconds));
    }

    [Theory]
    [InlineData("")]
    [InlineData("soon")]
    [InlineData("-1")]
    [InlineData("+5")]
    [InlineData("1,5")]
    [InlineData("10s")]
    [InlineData("1e3")]
    [InlineData("NaN")]
    [InlineData("Infinity")]
    public void CrawlDelay_InvalidValue_Ignored(string value)
    {
        var rules = RobotsRules.Parse($"User-agent: haul\nCrawl-delay: {value}\nDisallow: /x\n", "haul");

        rules.CrawlDelay.ShouldBeNull();
        rules.IsAllowed("/x").ShouldBeFalse();
    }

    [Fact]
    public void CrawlDelay_AbsurdlyLarge_CappedAtOneDay()
    {
        var rules = RobotsRules.Parse("User-agent: haul\nCrawl-delay: 99999999999999999999999\n", "haul");

        rules.CrawlDelay.ShouldBe(TimeSpan.FromDays(1));
    }

    [Fact]
    public void CrawlDelay_OnlyInStarGroup_NotTakenWhenHaulGroupChosen()
    {
        var rules = RobotsRules.Parse("User-agent: *\nCrawl-delay: 5\n\nUser-agent: haul\nDisallow: /x\n", "haul");

        rules.CrawlDelay.ShouldBeNull();
    }

    [Fact]
    public void CrawlDelay_StarGroupChosen_Taken()
    {
        var rules = RobotsRules.Parse("User-agent: otherbot\nCrawl-delay: 1\n\nUser-agent: *\nCrawl-delay: 5\n", "haul");

        rules.CrawlDelay.ShouldBe(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public void CrawlDelay_MergedGroups_LongestKept()
    {
        var rules = RobotsRules.Parse("User-agent: haul\nCrawl-delay: 2\n\nUser-agent: haul\nCrawl-delay: 7.5\n\nUser-agent: haul\nCrawl-delay: 1\n", "haul");

        rules.CrawlDelay.ShouldBe(TimeSpan.FromSeconds(7.5));
    }

    [Fact]
    public void CrawlDelay_EndsTheUserAgentRun_NextUserAgentStartsNewGroup()
    {
        var rules = RobotsRules.Parse("User-agent: haul\nCrawl-delay: 4\nUser-agent: otherbot\nDisallow: /\n", "haul");

        rules.CrawlDelay.ShouldBe(TimeSpan.FromSeconds(4));
        rules.IsAllowed("/page").ShouldBeTrue();
    }

    [Fact]
    public void Parse_RuleBeyond500KiB_Ignored()
    {
        var robots = "User-agent: haul\nDisallow: /early/\n" + Filler(RobotsRules.MaxBytes) + "Disallow: /late/\n";

        var rules = RobotsRules.Parse(robots, "haul");

        rules.IsAllowed("/early/x").ShouldBeFalse();
        rules.IsAllowed("/late/x").ShouldBeTrue();
    }

    [Fact]
    public void Parse_RuleEndingExactlyAt500KiB_Kept()
    {
        const string head = "User-agent: haul\n";
        const string last = "Disallow: /last/\n";
        var robots = head + Filler(RobotsRules.MaxBytes - head.Length - last.Length) + last + "Disallow: /after/\n";
        Encoding.UTF8.GetByteCount(robots[..robots.IndexOf("Disallow: /after/", StringComparison.Ordinal)]).ShouldBe(RobotsRules.MaxBytes);

        var rules = RobotsRules.Parse(robots, "haul");

        rules.IsAllowed("/last/x").ShouldBeFalse();
        rules.IsAllowed("/after/x").ShouldBeTrue();
    }

    [Fact]
    public void Parse_LineCutBy500KiBLimit_DroppedRatherThanShortened()
    {
        const string head = "User-agent: haul\n";
        var filler = Filler(RobotsRules.MaxBytes - head.Length - "Disallow: /".Length);
        var robots = head + filler + "Disallow: /private/\n";

        var rules = RobotsRules.Parse(robots, "haul");
        var fromBytes = RobotsRules.Parse(Encoding.UTF8.GetBytes(robots), "haul");

        rules.IsAllowed("/public").ShouldBeTrue();
        fromBytes.IsAllowed("/public").ShouldBeTrue();
    }

    [Fact]
    public void Parse_MultiByteCharacters_LimitCountedInUtf8Bytes()
    {
        // 300,000 characters but 600,000 bytes: the limit falls halfway through the comment.
        var robots = "User-agent: haul\n# " + new string('é', 300_000) + "\nDisallow: /late/\n";
        robots.Length.ShouldBeLessThan(RobotsRules.MaxBytes);

        RobotsRules.Parse(robots, "haul").IsAllowed("/late/x").ShouldBeTrue();
        RobotsRules.Parse(Encoding.UTF8.GetBytes(robots), "haul").IsAllowed("/late/x").ShouldBeTrue();
    }

    [Fact]
    public void Parse_BytesBeyond500KiB_Ignored()
    {
        var robots = "User-agent: haul\nDisallow: /early/\n" + Filler(RobotsRules.MaxBytes) + "Disallow: /late/\n";

        var rules = RobotsRules.Parse(Encoding.UTF8.GetBytes(robots), "haul");

        rules.IsAllowed("/early/x").ShouldBeFalse();
        rules.IsAllowed("/late/x").ShouldBeTrue();
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(410)]
    public void ForStatus_ClientError_AllowsEverything(int statusCode)
    {
        var rules = RobotsRules.ForStatus(statusCode);

        rules.ShouldBeSameAs(RobotsRules.AllowAll);
        rules.IsAllowed("/any/page").ShouldBeTrue();
        rules.CrawlDelay.ShouldBeNull();
    }

    [Theory]
    [InlineData(429)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public void ForStatus_ServerErrorOrTooManyRequests_DisallowsEverything(int statusCode)
    {
        var rules = RobotsRules.ForStatus(statusCode);

        rules.ShouldBeSameAs(RobotsRules.DisallowAll);
        rules.IsAllowed("/").ShouldBeFalse();
        rules.IsAllowed(new Uri("https://example.com/any/page?x=1")).ShouldBeFalse();
    }

    // Comment lines of exactly the requested size in UTF-8 bytes (all ASCII), each ending in a newline.
    private static string Filler(int bytes)
    {
        var builder = new StringBuilder(bytes);
        while (builder.Length < bytes)
        {
            var lineLength = Math.Min(100, bytes - builder.Length);
            builder.Append('#', lineLength - 1).Append('\n');
        }

        return builder.ToString();
    }
}
