using Haul.Crawling;

namespace Haul.Tests.Crawling;

public sealed class SrcsetParserTests
{
    [Fact]
    public void Parse_WidthDescriptors_ReadsEachCandidate()
    {
        var candidates = SrcsetParser.Parse("a.jpg 320w, b.jpg 640w,c.jpg 1280w");

        candidates.ShouldBe(
        [
            new SrcsetCandidate("a.jpg", 320, null),
            new SrcsetCandidate("b.jpg", 640, null),
            new SrcsetCandidate("c.jpg", 1280, null),
        ]);
    }

    [Fact]
    public void Parse_NoDescriptor_MeansOneX()
    {
        SrcsetParser.Parse("  small.jpg  ,big.jpg 2x").ShouldBe(
        [
            new SrcsetCandidate("small.jpg", null, 1),
            new SrcsetCandidate("big.jpg", null, 2),
        ]);
    }

    [Fact]
    public void Parse_CommasInsideUrls_KeepsThemInTheUrl()
    {
        var candidates = SrcsetParser.Parse("/img/w_100,h_80,c_fill/cat.jpg 100w, /img/w_800,h_640,c_fill/cat.jpg 800w");

        candidates.Select(c => c.Url).ShouldBe(["/img/w_100,h_80,c_fill/cat.jpg", "/img/w_800,h_640,c_fill/cat.jpg"]);
    }

    [Fact]
    public void Parse_TrailingCommaAfterUrl_EndsTheCandidate()
    {
        SrcsetParser.Parse("a.jpg,, b.jpg 2x,").ShouldBe(
        [
            new SrcsetCandidate("a.jpg", null, 1),
            new SrcsetCandidate("b.jpg", null, 2),
        ]);
    }

    [Theory]
    [InlineData("bad.jpg 2y")]
    [InlineData("bad.jpg -2w")]
    [InlineData("bad.jpg 0w")]
    [InlineData("bad.jpg 1.5w")]
    [InlineData("bad.jpg w")]
    [InlineData("bad.jpg 2x 3x")]
    [InlineData("bad.jpg 100w 2x")]
    [InlineData("bad.jpg 100h")]
    [InlineData("bad.jpg 100w 100w")]
    [InlineData("bad.jpg abc")]
    public void Parse_BadDescriptor_DropsOnlyThatCandidate(string bad)
    {
        SrcsetParser.Parse($"good.jpg 1x, {bad}, other.jpg 3x").Select(c => c.Url).ShouldBe(["good.jpg", "other.jpg"]);
    }

    [Fact]
    public void Parse_WidthAndHeight_KeepsWidth()
    {
        SrcsetParser.Parse("a.jpg 400w 300h").ShouldBe([new SrcsetCandidate("a.jpg", 400, null)]);
    }

    [Fact]
    public void Parse_ParenthesesInDescriptors_DoNotSplitOnTheirCommas()
    {
        SrcsetParser.Parse("a.jpg (x, y) 2x, b.jpg 3x").Select(c => c.Url).ShouldBe(["b.jpg"]);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData(" , , ")]
    public void Parse_Empty_ReturnsNothing(string srcset)
    {
        SrcsetParser.Parse(srcset).ShouldBeEmpty();
        SrcsetParser.Largest(srcset).ShouldBeNull();
    }

    [Theory]
    [InlineData("a.jpg 320w, c.jpg 1280w, b.jpg 640w", "c.jpg")]
    [InlineData("a.jpg, b.jpg 1.5x, c.jpg 0.5x", "b.jpg")]
    [InlineData("a.jpg 3x, b.jpg 200w", "b.jpg")]
    [InlineData("only.jpg", "only.jpg")]
    [InlineData("a.jpg 2x, b.jpg 2x", "a.jpg")]
    [InlineData("x,1.jpg 1x, x,2.jpg 2x", "x,2.jpg")]
    public void Largest_MixedCandidates_PrefersHighestWidthThenHighestDensity(string srcset, string expected)
    {
        SrcsetParser.Largest(srcset)?.Url.ShouldBe(expected);
    }
}
