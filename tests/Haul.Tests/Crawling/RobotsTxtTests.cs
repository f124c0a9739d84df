using Haul.Crawling;

namespace Haul.Tests.Crawling;

public sealed class RobotsTxtTests
{
    private const string Text = """
        # comments and odd spacing are fine
        User-agent: *
        Disallow: /private/
        Allow: /private/open/
        Crawl-delay: 2

        User-agent: OtherBot
        Disallow: /

        User-agent: Haul/1.0
        user-agent: somebot
        Disallow: /no-haul/
        Disallow: /*.gif$
        Allow: /no-haul/but-this
        Disallow: /tie
        Allow: /tie
        Crawl-delay: 0.5
        """;

    [Theory]
    [InlineData("/", true)]
    [InlineData("/no-haul/x", false)]
    [InlineData("/no-haul/but-this/page", true)]
    [InlineData("/a/b.gif", false)]
    [InlineData("/a/b.gif?x=1", true)]
    [InlineData("/tie", true)]
    [InlineData("/private/x", true)]
    [InlineData("/robots.txt", true)]
    public void IsAllowed_HaulGroup_LongestMatchAllowWinsTies(string path, bool expected)
    {
        var rules = RobotsTxt.Parse(Text.Replace("\n", "\r\n", StringComparison.Ordinal), "haul");

        rules.IsAllowed(new Uri("http://h" + path)).ShouldBe(expected);
        rules.CrawlDelay.ShouldBe(TimeSpan.FromSeconds(0.5));
    }

    [Theory]
    [InlineData("/private/x", false)]
    [InlineData("/private/open/y", true)]
    [InlineData("/no-haul/x", true)]
    public void IsAllowed_UnknownBot_FallsBackToStarGroup(string path, bool expected)
    {
        var rules = RobotsTxt.Parse(Text, "wget");

        rules.IsAllowed(new Uri("http://h" + path)).ShouldBe(expected);
        rules.CrawlDelay.ShouldBe(TimeSpan.FromSeconds(2));
    }

    [Fact]
    public void IsAllowed_PercentEncodingOfUnreservedCharacters_MatchesEitherSpelling()
    {
        var rules = RobotsTxt.Parse("User-agent: *\nDisallow: /%7Ejoe/\n", "haul");

        rules.IsAllowed(new Uri("http://h/~joe/page")).ShouldBeFalse();
        rules.IsAllowed(new Uri("http://h/%7ejoe/page")).ShouldBeFalse();
        rules.IsAllowed(new Uri("http://h/jane/")).ShouldBeTrue();
    }

    [Fact]
    public void Parse_EmptyDisallowOrNoGroups_AllowsEverything()
    {
        RobotsTxt.Parse("User-agent: *\nDisallow:\n", "haul").IsAllowed(new Uri("http://h/x")).ShouldBeTrue();
        RobotsTxt.Parse("garbage\n\nDisallow: /\n", "haul").IsAllowed(new Uri("http://h/x")).ShouldBeTrue();
        RobotsTxt.Parse("\uFEFFUser-agent: *\nDisallow: /x\n", "haul").IsAllowed(new Uri("http://h/x")).ShouldBeFalse();
    }

    [Theory]
    [InlineData(404, true)]
    [InlineData(403, true)]
    [InlineData(500, false)]
    [InlineData(503, false)]
    public void ForStatus_ClientAndServerErrors_AllowOrDisallowAll(int status, bool allowed) =>
        RobotsTxt.ForStatus(status).IsAllowed(new Uri("http://h/any")).ShouldBe(allowed);
}
