using AngleSharp.Html.Parser;
using Haul.Crawling;

namespace Haul.Tests.Crawling;

public sealed class SelectorRuleTests
{
    [Theory]
    [InlineData("a.full@href", "a.full", "href")]
    [InlineData("img.photo@data-src", "img.photo", "data-src")]
    [InlineData("  div.tile > img @ data-full ", "div.tile > img", "data-full")]
    [InlineData("img.lazy", "img.lazy", null)]
    [InlineData("a[href*=\"@\"]", "a[href*=\"@\"]", null)]
    [InlineData("a[href^='mailto:x@y.org']@title", "a[href^='mailto:x@y.org']", "title")]
    public void Parse_ValidRule_SplitsSelectorAndAttribute(string text, string selector, string? attribute)
    {
        var rule = SelectorRule.Parse(text);

        rule.Selector.ShouldBe(selector);
        rule.Attribute.ShouldBe(attribute);
        rule.Text.ShouldBe(text.Trim());
    }

    [Theory]
    [InlineData("img[src")]
    [InlineData("img[src@src")]
    [InlineData("div > > img")]
    [InlineData("::nope(")]
    [InlineData("")]
    [InlineData("@href")]
    public void Parse_InvalidSelector_ThrowsArgumentExceptionNamingTheRule(string text)
    {
        var error = Should.Throw<ArgumentException>(() => SelectorRule.Parse(text));

        error.Message.ShouldContain("not a valid CSS selector");
    }

    [Theory]
    [InlineData("img.photo@")]
    [InlineData("img.photo@   ")]
    public void Parse_EmptyAttribute_ThrowsArgumentException(string text)
    {
        var error = Should.Throw<ArgumentException>(() => SelectorRule.Parse(text));

        error.Message.ShouldContain("names no attribute");
    }

    [Theory]
    [InlineData("<img class=x src=a>", "src")]
    [InlineData("<picture><source class=x src=a></picture>", "src")]
    [InlineData("<a class=x href=a>", "href")]
    [InlineData("<meta class=x content=a>", "content")]
    [InlineData("<div class=x></div>", "src")]
    public void AttributeFor_NoAttributeGiven_ChoosesByElement(string html, string expected)
    {
        var document = new HtmlParser().ParseDocument(html);
        var rule = SelectorRule.Parse(".x");

        rule.AttributeFor(document.QuerySelector(".x")!).ShouldBe(expected);
    }

    [Fact]
    public void AttributeFor_AttributeGiven_UsesIt()
    {
        var document = new HtmlParser().ParseDocument("<a class=x href=a data-big=b>");

        SelectorRule.Parse(".x@data-big").AttributeFor(document.QuerySelector(".x")!).ShouldBe("data-big");
    }
}
