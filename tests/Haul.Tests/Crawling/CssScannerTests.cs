using Haul.Crawling;

namespace Haul.Tests.Crawling;

public sealed class CssScannerTests
{
    [Theory]
    [InlineData("a{background:url(a.png)}", "a.png")]
    [InlineData("a{background:url( 'a b.png' )}", "a b.png")]
    [InlineData("a{background:URL(\"a.png\")}", "a.png")]
    [InlineData("a{background:url(  a.png  )}", "a.png")]
    [InlineData(@"a{background:url(a\).png)}", "a).png")]
    [InlineData(@"a{background:url('it\'s.png')}", "it's.png")]
    [InlineData(@"a{background:url(\61 .png)}", "a.png")]
    [InlineData("a{background:url(\"line\\\ncontinued.png\")}", "linecontinued.png")]
    [InlineData("a{background:u\\72l(a.png)}", "a.png")]
    public void Scan_UrlForms_ReadsTheUrlAsBrowsersDo(string css, string expected)
    {
        CssScanner.Scan(css).Pictures.ShouldBe([expected]);
    }

    [Theory]
    [InlineData("/* url(comment.png) */ a{}")]
    [InlineData("a{content:\"url(string.png)\"}")]
    [InlineData("a{background:myurl(other.png)}")]
    [InlineData("a{background:url(bad url.png)}")]
    [InlineData("a{background:url(bad\"quote.png)}")]
    [InlineData("a{background:url()}")]
    [InlineData("a{background:url(\"unterminated\n.png\")}")]
    [InlineData("@font-face{font-family:x;src:url(font.woff2) format(\"woff2\"),url(font.png)}")]
    public void Scan_NotAPicture_FindsNothing(string css)
    {
        CssScanner.Scan(css).Pictures.ShouldBeEmpty();
    }

    [Fact]
    public void Scan_BadUrlThenGoodOne_RecoversAfterTheBadOne()
    {
        CssScanner.Scan("a{background:url(x y.png)} b{background:url(ok.png)} @font-face{src:url(f.woff)} c{background:url(after-font.png)}")
            .Pictures.ShouldBe(["ok.png", "after-font.png"]);
    }

    [Fact]
    public void Scan_Imports_AreStylesheetsNotPictures()
    {
        var references = CssScanner.Scan("@import \"base.css\";\n@import url(theme.css) screen;\n@IMPORT url('print.css') print;\na{background:url(a.png)}");

        references.Imports.ShouldBe(["base.css", "theme.css", "print.css"]);
        references.Pictures.ShouldBe(["a.png"]);
    }

    [Theory]
    [InlineData("a{background-image:image-set(\"a.jpg\" 1x, \"a-2x.jpg\" 2x)}", "a-2x.jpg")]
    [InlineData("a{background-image:-webkit-image-set(url(a.jpg) 1x, url(a-3x.jpg) 3x, url(a-2x.jpg) 2x)}", "a-3x.jpg")]
    [InlineData("a{background-image:image-set(\"a.jxl\" type(\"image/x-unknown\") 4x, \"a.avif\" type(\"image/avif\") 2dppx, \"a.jpg\" 192dpi)}", "a.avif")]
    [InlineData("a{background-image:image-set(\"only.jpg\")}", "only.jpg")]
    public void Scan_ImageSet_KeepsTheDensestKnownCandidate(string css, string expected)
    {
        CssScanner.Scan(css).Pictures.ShouldBe([expected]);
    }

    [Fact]
    public void Scan_ImageSetWithAllCandidates_KeepsEveryOne()
    {
        CssScanner.Scan("a{background-image:image-set(\"a.jpg\" 1x, url(a-2x.jpg) 2x)}", allCandidates: true)
            .Pictures.ShouldBe(["a.jpg", "a-2x.jpg"]);
    }

    [Fact]
    public void Scan_SeveralLayersAndRepeats_KeepsEachOnceInOrder()
    {
        CssScanner.Scan("a{background:url(1.png),linear-gradient(red,blue),url(2.png)} b{mask:url(1.png)} c{cursor:url(3.png),auto}")
            .Pictures.ShouldBe(["1.png", "2.png", "3.png"]);
    }

    [Theory]
    [InlineData("a{background:url(")]
    [InlineData("a{background:url('")]
    [InlineData("a{background:image-set(")]
    [InlineData("\\")]
    [InlineData("@")]
    [InlineData("/*")]
    [InlineData("a{background:url(x\\")]
    public void Scan_TruncatedInput_EndsWithoutThrowing(string css)
    {
        Should.NotThrow(() => CssScanner.Scan(css));
    }
}
