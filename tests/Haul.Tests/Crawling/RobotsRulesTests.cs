using Haul.Crawling;

namespace Haul.Tests.Crawling;

public sealed class RobotsRulesTests
{
    private static bool Allowed(string robots, string pathAndQuery, string productToken = "haul") =>
        RobotsRules.Parse(robots, productToken).IsAllowed(new Uri("https://example.com" + pathAndQuery));

    [Fact]
    public void Parse_HaulAndStarGroups_HaulGroupWins()
    {
        const string robots = """
            User-agent: *
            Disallow: /star-only/

            User-agent: haul
            Disallow: /haul-only/
            """;

        Allowed(robots, "/haul-only/page").ShouldBeFalse();
        Allowed(robots, "/star-only/page").ShouldBeTrue();
    }

    [Fact]
    public void Parse_NoHaulGroup_StarGroupApplies()
    {
        const string robots = """
            User-agent: otherbot
            Disallow: /other/

            User-agent: *
            Disallow: /star/
            """;

        Allowed(robots, "/star/page").ShouldBeFalse();
        Allowed(robots, "/other/page").ShouldBeTrue();
    }

    [Fact]
    public void Parse_OnlyOtherBotsGroups_AllowsEverything()
    {
        const string robots = """
            User-agent: googlebot
            Disallow: /

            User-agent: bingbot
            Disallow: /
            """;

        Allowed(robots, "/anything").ShouldBeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("# nothing but a comment")]
    [InlineData("Sitemap: https://example.com/sitemap.xml")]
    public void Parse_NoGroups_AllowsEverything(string robots)
    {
        var rules = RobotsRules.Parse(robots, "haul");

        rules.IsAllowed("/anything").ShouldBeTrue();
        rules.CrawlDelay.ShouldBeNull();
    }

    [Theory]
    [InlineData("haul")]
    [InlineData("HAUL")]
    [InlineData("Haul")]
    [InlineData("haul/1.0")]
    [InlineData("Haul/2.3 (+https://example.com/bot)")]
    [InlineData("haul 1.0")]
    public void Parse_UserAgentNamingHaulProduct_Matches(string userAgent)
    {
        var robots = $"User-agent: {userAgent}\nDisallow: /x\n\nUser-agent: *\nDisallow: /y\n";

        Allowed(robots, "/x").ShouldBeFalse();
        Allowed(robots, "/y").ShouldBeTrue();
    }

    [Theory]
    [InlineData("haul/0.1.0")]
    [InlineData("HAUL")]
    public void Parse_ProductTokenWithVersionOrCase_MatchesProductName(string productToken)
    {
        const string robots = "User-agent: haul\nDisallow: /x\n";

        Allowed(robots, "/x", productToken).ShouldBeFalse();
    }

    [Theory]
    [InlineData("haulbot")]
    [InlineData("hau")]
    [InlineData("x-haul")]
    public void Parse_UserAgentOnlySharingLetters_DoesNotMatch(string userAgent)
    {
        var robots = $"User-agent: {userAgent}\nDisallow: /\n";

        Allowed(robots, "/page").ShouldBeTrue();
    }

    [Theory]
    [InlineData("")]
    [InlineData("*")]
    [InlineData("  ")]
    public void Parse_ProductTokenNotACrawlerName_Throws(string productToken)
    {
        Should.Throw<ArgumentException>(() => RobotsRules.Parse("User-agent: *\nDisallow: /\n", productToken));
    }

    [Fact]
    public void Parse_ConsecutiveUserAgents_ShareOneGroup()
    {
        const string robots = """
            User-agent: otherbot
            User-agent: haul
            Disallow: /shared/
            """;

        Allowed(robots, "/shared/x").ShouldBeFalse();
    }

    [Fact]
    public void Parse_BlankLinesAndUnknownKeysBetweenUserAgents_StillOneGroup()
    {
        const string robots = """
            User-agent: haul

            Sitemap: https://example.com/sitemap.xml
            User-agent: otherbot
            Disallow: /shared/
            """;

        Allowed(robots, "/shared/x").ShouldBeFalse();
    }

    [Fact]
    public void Parse_UserAgentAfterRules_StartsNewGroup()
    {
        const string robots = """
            User-agent: haul
            Disallow: /mine/
            User-agent: otherbot
            Disallow: /theirs/
            """;

        Allowed(robots, "/mine/x").ShouldBeFalse();
        Allowed(robots, "/theirs/x").ShouldBeTrue();
    }

    [Fact]
    public void Parse_SeveralHaulGroups_AreMerged()
    {
        const string robots = """
            User-agent: haul
            Disallow: /a/

            User-agent: *
            Disallow: /star/

            User-agent: Haul/1.0
            Disallow: /b/
            Allow: /a/open/
            """;

        Allowed(robots, "/a/x").ShouldBeFalse();
        Allowed(robots, "/b/x").ShouldBeFalse();
        Allowed(robots, "/a/open/x").ShouldBeTrue();
        Allowed(robots, "/star/x").ShouldBeTrue();
    }

    [Fact]
    public void Parse_SeveralStarGroups_AreMerged()
    {
        const string robots = "User-agent: *\nDisallow: /a/\n\nUser-agent: bot\nDisallow: /\n\nUser-agent: *\nDisallow: /b/\n";

        Allowed(robots, "/a/x").ShouldBeFalse();
        Allowed(robots, "/b/x").ShouldBeFalse();
        Allowed(robots, "/c/x").ShouldBeTrue();
    }

    [Fact]
    public void Parse_HaulGroupWithNoRules_StillWinsOverStar()
    {
        const string robots = """
            User-agent: haul
            Disallow:

            User-agent: *
            Disallow: /
            """;

        Allowed(robots, "/page").ShouldBeTrue();
    }

    [Fact]
    public void Parse_RulesBeforeAnyUserAgent_AreIgnored()
    {
        const string robots = "Disallow: /orphan/\nCrawl-delay: 9\nUser-agent: *\nDisallow: /star/\n";

        var rules = RobotsRules.Parse(robots, "haul");

        rules.IsAllowed("/orphan/x").ShouldBeTrue();
        rules.IsAllowed("/star/x").ShouldBeFalse();
        rules.CrawlDelay.ShouldBeNull();
    }

    [Theory]
    [InlineData("/", true)]
    [InlineData("/folder", true)]
    [InlineData("/folder/", false)]
    [InlineData("/folder/page", false)]
    [InlineData("/folder/public/", true)]
    [InlineData("/folder/public/page", true)]
    [InlineData("/folder/public/secret/x", false)]
    public void IsAllowed_NestedRules_LongestMatchWins(string path, bool expected)
    {
        const string robots = """
            User-agent: haul
            Disallow: /folder/
            Allow: /folder/public/
            Disallow: /folder/public/secret/
            """;

        Allowed(robots, path).ShouldBe(expected);
    }

    [Theory]
    [InlineData("Disallow: /page\nAllow: /page")]
    [InlineData("Allow: /page\nDisallow: /page")]
    [InlineData("Disallow: /p*e\nAllow: /pa*")]
    public void IsAllowed_AllowAndDisallowOfEqualLength_AllowWins(string lines)
    {
        Allowed("User-agent: haul\n" + lines, "/page").ShouldBeTrue();
    }

    [Fact]
    public void IsAllowed_LongerPatternMatchingViaWildcard_BeatsShorterLiteral()
    {
        const string robots = "User-agent: haul\nAllow: /page\nDisallow: /*page.html\n";

        Allowed(robots, "/page.html").ShouldBeFalse();
        Allowed(robots, "/page").ShouldBeTrue();
    }

    [Theory]
    [InlineData("Disallow:")]
    [InlineData("Disallow:   ")]
    [InlineData("Disallow: # nothing")]
    public void IsAllowed_EmptyDisallow_AllowsEverything(string line)
    {
        Allowed("User-agent: haul\n" + line, "/any/path").ShouldBeTrue();
    }

    [Theory]
    [InlineData("/*.php", "/index.php", false)]
    [InlineData("/*.php", "/dir/index.php?x=1", false)]
    [InlineData("/*.php", "/index.html", true)]
    [InlineData("/a*b*c", "/a-x-b-y-c-z", false)]
    [InlineData("/a*b*c", "/a-x-c-y-b", true)]
    [InlineData("/a**b", "/axxb", false)]
    [InlineData("*", "/anything", false)]
    [InlineData("/private*", "/private", false)]
    public void IsAllowed_Wildcard_MatchesAnyRun(string pattern, string path, bool expected)
    {
        Allowed($"User-agent: haul\nDisallow: {pattern}\n", path).ShouldBe(expected);
    }

    [Theory]
    [InlineData("/*.gif$", "/a/b.gif", false)]
    [InlineData("/*.gif$", "/a/b.gif?size=2", true)]
    [InlineData("/*.gif$", "/a/b.gifx", true)]
    [InlineData("/exact$", "/exact", false)]
    [InlineData("/exact$", "/exact/", true)]
    [InlineData("/$", "/", false)]
    [InlineData("/$", "/page", true)]
    [InlineData("/*.gif$", "/.gif", false)]
    [InlineData("/ab*b$", "/ab", true)]
    [InlineData("/a$b", "/a$b/c", false)]
    [InlineData("/a$b", "/a", true)]
    public void IsAllowed_DollarAnchor_MatchesEndOnlyWhenLast(string pattern, string path, bool expected)
    {
        Allowed($"User-agent: haul\nDisallow: {pattern}\n", path).ShouldBe(expected);
    }

    [Theory]
    [InlineData("/search?q=cats", false)]
    [InlineData("/search", true)]
    [InlineData("/page?sessionid=1", false)]
    [InlineData("/page?lang=en&sessionid=1", false)]
    [InlineData("/page?lang=en", true)]
    [InlineData("/page#sessionid", true)]
    public void IsAllowed_QueryString_IsPartOfTheMatch(string path, bool expected)
    {
        const string robots = "User-agent: haul\nDisallow: /search?\nDisallow: /*sessionid=\n";

        Allowed(robots, path).ShouldBe(expected);
    }

    [Theory]
    [InlineData("/%7Ejoe/", "/~joe/page", false)]
    [InlineData("/~joe/", "/%7ejoe/page", false)]
    [InlineData("/%7ejoe/", "/%7Ejoe/page", false)]
    [InlineData("/a%2Fb", "/a/b", true)]
    [InlineData("/a/b", "/a%2Fb", true)]
    [InlineData("/a%2fb", "/a%2Fb", false)]
    [InlineData("/caf%C3%A9", "/café", false)]
    [InlineData("/café", "/caf%c3%a9", false)]
    [InlineData("/a b", "/a%20b", false)]
    [InlineData("/100%", "/100%25", false)]
    public void IsAllowed_PercentEncoding_ComparesNormalizedForms(string pattern, string path, bool expected)
    {
        var rules = RobotsRules.Parse($"User-agent: haul\nDisallow: {pattern}\n", "haul");

        rules.IsAllowed(path).ShouldBe(expected);
    }

    [Fact]
    public void IsAllowed_NonAsciiUri_MatchesUtf8EscapedPattern()
    {
        var rules = RobotsRules.Parse("User-agent: haul\nDisallow: /caf%C3%A9/\n", "haul");

        rules.IsAllowed(new Uri("https://example.com/café/menu")).ShouldBeFalse();
    }

    [Theory]
    [InlineData("/robots.txt")]
    [InlineData("/robots.txt?v=2")]
    public void IsAllowed_RobotsTxt_AlwaysAllowed(string path)
    {
        var rules = RobotsRules.Parse("User-agent: *\nDisallow: /\nDisallow: /robots.txt$\n", "haul");

        rules.IsAllowed(path).ShouldBeTrue();
        rules.IsAllowed("/robots.txt.bak").ShouldBeFalse();
        RobotsRules.DisallowAll.IsAllowed(new Uri("https://example.com" + path)).ShouldBeTrue();
    }

    [Fact]
    public void IsAllowed_EmptyPath_JudgedAsRoot()
    {
        var rules = RobotsRules.Parse("User-agent: haul\nDisallow: /$\n", "haul");

        rules.IsAllowed("").ShouldBeFalse();
        rules.IsAllowed(new Uri("https://example.com")).ShouldBeFalse();
    }

    [Fact]
    public void IsAllowed_RelativeUri_Throws()
    {
        Should.Throw<ArgumentException>(() => RobotsRules.AllowAll.IsAllowed(new Uri("/page", UriKind.Relative)));
    }
}
