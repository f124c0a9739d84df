using System.Net.Http.Headers;
using System.Text;
using Haul.Storage;
using Shouldly;
using Xunit;

namespace Haul.Tests.Storage;

public sealed class FileNamerTests
{
    private static readonly string Root = Path.Combine(Path.GetTempPath(), "haul-namer-root");

    [Theory]
    [InlineData("http://example.org/a/b%20c.jpg", "b c.jpg")]
    [InlineData("http://example.org/photo.jpg", "photo.jpg")]
    [InlineData("http://example.org/a/b.jpg?size=large&next=../../x", "b.jpg")]
    [InlineData("http://example.org/a/b.jpg#section", "b.jpg")]
    [InlineData("http://example.org/%E2%82%AC%20rates.pdf", "€ rates.pdf")]
    public void FromUrl_LastPathSegment_PercentDecoded(string url, string expected)
    {
        FileNamer.FromUrl(new Uri(url)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("http://example.org")]
    [InlineData("http://example.org/")]
    [InlineData("http://example.org/gallery/")]
    [InlineData("http://example.org/?file=a.jpg")]
    [InlineData("http://example.org/a/%2E%2E")]
    [InlineData("http://example.org/a/...")]
    public void FromUrl_NoUsableSegment_IndexHtml(string url)
    {
        FileNamer.FromUrl(new Uri(url)).ShouldBe(FileNamer.DefaultName);
    }

    [Theory]
    [InlineData("http://example.org/a/..%2F..%2Fetc%2Fpasswd", "passwd")]
    [InlineData("http://example.org/a/..%5C..%5Cevil.exe", "evil.exe")]
    [InlineData("http://example.org/a/%2Ebashrc", "bashrc")]
    [InlineData("http://example.org/a/-rf", "rf")]
    [InlineData("http://example.org/a/x%0Ay%00z.txt", "x_y_z.txt")]
    public void FromUrl_HostileEncodedSegment_Sanitized(string url, string expected)
    {
        FileNamer.FromUrl(new Uri(url)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("../../x", "x")]
    [InlineData("..\\..\\x", "x")]
    [InlineData("/etc/passwd", "passwd")]
    [InlineData("C:\\evil.exe", "evil.exe")]
    [InlineData("C:evil.exe", "C_evil.exe")]
    [InlineData("a/b\\c.txt", "c.txt")]
    [InlineData("line\nbreak.txt", "line_break.txt")]
    [InlineData("nul\0byte.txt", "nul_byte.txt")]
    [InlineData("\u001b[31mred.txt", "_[31mred.txt")]
    [InlineData("del\u007fete.txt", "del_ete.txt")]
    [InlineData("a<b>c|d?e*f\"g.txt", "a_b_c_d_e_f_g.txt")]
    [InlineData(".bashrc", "bashrc")]
    [InlineData("...hidden", "hidden")]
    [InlineData("  .profile  ", "profile")]
    [InlineData("-rf", "rf")]
    [InlineData("--help", "help")]
    [InlineData("-.-x.sh", "x.sh")]
    [InlineData("trailing.", "trailing")]
    [InlineData("trailing. . ", "trailing")]
    [InlineData("photo.jpg", "photo.jpg")]
    [InlineData("b c.jpg", "b c.jpg")]
    public void Sanitize_HostileName_PlainFileName(string raw, string expected)
    {
        FileNamer.Sanitize(raw).ShouldBe(expected);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData(" ")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("...")]
    [InlineData("../..")]
    [InlineData("..\\..")]
    [InlineData("/")]
    [InlineData("dir/")]
    [InlineData("-")]
    [InlineData("--")]
    [InlineData("-.-.")]
    public void Sanitize_NothingUsableLeft_Null(string? raw)
    {
        FileNamer.Sanitize(raw).ShouldBeNull();
    }

    [Theory]
    [InlineData("movie.part", "movie.part_")]
    [InlineData("MOVIE.PART", "MOVIE.PART_")]
    [InlineData("movie.part.meta", "movie.part.meta_")]
    [InlineData("movie.partial", "movie.partial")]
    public void Sanitize_ReservedPartSuffix_GetsSuffix(string raw, string expected)
    {
        FileNamer.Sanitize(raw).ShouldBe(expected);
    }

    [Fact]
    public void Sanitize_LongAsciiName_CappedKeepingExtension()
    {
        var name = FileNamer.Sanitize(new string('a', 300) + ".jpg");

        name.ShouldNotBeNull();
        Encoding.UTF8.GetByteCount(name).ShouldBe(FileNamer.MaxNameBytes);
        name.ShouldBe(new string('a', FileNamer.MaxNameBytes - 4) + ".jpg");
    }

    [Fact]
    public void Sanitize_NameAtLimit_Unchanged()
    {
        var raw = new string('a', FileNamer.MaxNameBytes - 4) + ".jpg";

        FileNamer.Sanitize(raw).ShouldBe(raw);
    }

    // The prefix shifts where the byte budget ends, so some cases land in the middle of a surrogate pair.
    [Theory]
    [InlineData("", ".png")]
    [InlineData("a", ".png")]
    [InlineData("ab", ".png")]
    [InlineData("abc", ".png")]
    [InlineData("a", "")]
    [InlineData("ab", "")]
    [InlineData("abc", "")]
    public void Sanitize_LongEmojiName_CappedWithoutSplittingSurrogatePairs(string prefix, string extension)
    {
        var raw = prefix + string.Concat(Enumerable.Repeat("\U0001F600", 120)) + extension;

        var name = FileNamer.Sanitize(raw);

        name.ShouldNotBeNull();
        Encoding.UTF8.GetByteCount(name).ShouldBeLessThanOrEqualTo(FileNamer.MaxNameBytes);
        Encoding.UTF8.GetByteCount(name).ShouldBeGreaterThan(FileNamer.MaxNameBytes - 4);
        HasLoneSurrogate(name).ShouldBeFalse();
        name.ShouldStartWith(prefix + "\U0001F600");
        name.ShouldEndWith("\U0001F600" + extension);
    }

    [Fact]
    public void Sanitize_LongMultiByteExtension_KeptWhole()
    {
        var name = FileNamer.Sanitize(new string('x', 250) + ".\U0001F600\U0001F600");

        name.ShouldNotBeNull();
        name.ShouldEndWith(".\U0001F600\U0001F600");
        Encoding.UTF8.GetByteCount(name).ShouldBeLessThanOrEqualTo(FileNamer.MaxNameBytes);
    }

    [Fact]
    public void Sanitize_OverlongExtension_StillCapped()
    {
        var name = FileNamer.Sanitize("x." + new string('e', 300));

        name.ShouldNotBeNull();
        Encoding.UTF8.GetByteCount(name).ShouldBeLessThanOrEqualTo(FileNamer.MaxNameBytes);
    }

    // Truncation happens after the ".part" check and the trailing-dot trim, so a cut can land on
    // a name that those checks were meant to exclude.
    [Theory]
    [InlineData(FileNamer.MaxNameBytes - 5, ".part")]
    [InlineData(FileNamer.MaxNameBytes - 10, ".part.meta")]
    [InlineData(FileNamer.MaxNameBytes - 1, ".")]
    [InlineData(FileNamer.MaxNameBytes - 1, " ")]
    public void Sanitize_TruncationCutsAtReservedEnding_StillSanitized(int stemLength, string ending)
    {
        // The text after the last dot is longer than an extension, so the cut keeps the first bytes.
        var raw = new string('a', stemLength) + ending + new string('b', 50);

        var name = FileNamer.Sanitize(raw);

        name.ShouldNotBeNull();
        Encoding.UTF8.GetByteCount(name).ShouldBeLessThanOrEqualTo(FileNamer.MaxNameBytes);
        name.EndsWith(".part", StringComparison.OrdinalIgnoreCase).ShouldBeFalse(name);
        name.EndsWith(".part.meta", StringComparison.OrdinalIgnoreCase).ShouldBeFalse(name);
        name.ShouldNotEndWith(".");
        name.ShouldNotEndWith(" ");
    }

    [Fact]
    public void FromContentDisposition_QuotedFileName_Unquoted()
    {
        var header = ContentDispositionHeaderValue.Parse("attachment; filename=\"report 2024.pdf\"");

        FileNamer.FromContentDisposition(header).ShouldBe("report 2024.pdf");
    }

    [Fact]
    public void FromContentDisposition_TokenFileName_Used()
    {
        var header = ContentDispositionHeaderValue.Parse("attachment; filename=report.pdf");

        FileNamer.FromContentDisposition(header).ShouldBe("report.pdf");
    }

    [Fact]
    public void FromContentDisposition_FileNameStarUtf8_Decoded()
    {
        var header = ContentDispositionHeaderValue.Parse("attachment; filename*=UTF-8''%E2%82%AC%20rates.pdf");

        FileNamer.FromContentDisposition(header).ShouldBe("€ rates.pdf");
    }

    [Fact]
    public void FromContentDisposition_BothForms_FileNameStarPreferred()
    {
        var header = ContentDispositionHeaderValue.Parse("attachment; filename=\"fallback.pdf\"; filename*=UTF-8''r%C3%A9sum%C3%A9.pdf");

        FileNamer.FromContentDisposition(header).ShouldBe("résumé.pdf");
    }

    [Fact]
    public void FromContentDisposition_FileNameStarSetInCode_RoundTrips()
    {
        var header = new ContentDispositionHeaderValue("attachment") { FileNameStar = "naïve café.txt" };

        FileNamer.FromContentDisposition(header).ShouldBe("naïve café.txt");
    }

    [Theory]
    [InlineData("attachment; filename=\"../../x\"", "x")]
    [InlineData("attachment; filename=\"/etc/passwd\"", "passwd")]
    [InlineData("attachment; filename=\".bashrc\"", "bashrc")]
    [InlineData("attachment; filename=\"-rf\"", "rf")]
    [InlineData("attachment; filename*=UTF-8''..%2F..%2Fx", "x")]
    [InlineData("attachment; filename*=UTF-8''evil%0A%1B.sh", "evil__.sh")]
    [InlineData("attachment; filename=\"upload.part\"", "upload.part_")]
    public void FromContentDisposition_HostileFileName_Sanitized(string value, string expected)
    {
        FileNamer.FromContentDisposition(ContentDispositionHeaderValue.Parse(value)).ShouldBe(expected);
    }

    [Theory]
    [InlineData("attachment")]
    [InlineData("inline")]
    [InlineData("attachment; filename=\"..\"")]
    [InlineData("attachment; filename=\"../\"")]
    public void FromContentDisposition_NoUsableName_Null(string value)
    {
        FileNamer.FromContentDisposition(ContentDispositionHeaderValue.Parse(value)).ShouldBeNull();
    }

    [Fact]
    public void FromContentDisposition_NullHeader_Null()
    {
        FileNamer.FromContentDisposition(null).ShouldBeNull();
    }

    [Theory]
    [InlineData("a.jpg", 0, "a.jpg")]
    [InlineData("a.jpg", 1, "a.1.jpg")]
    [InlineData("a.jpg", 12, "a.12.jpg")]
    [InlineData("noext", 2, "noext.2")]
    [InlineData("archive.tar.gz", 1, "archive.tar.1.gz")]
    [InlineData("b c.d.e", 3, "b c.d.3.e")]
    public void WithIndex_Name_IndexBeforeLastExtension(string name, int index, string expected)
    {
        FileNamer.WithIndex(name, index).ShouldBe(expected);
    }

    [Theory]
    [InlineData(null, "")]
    [InlineData("", "")]
    [InlineData("   ", "")]
    [InlineData("sub", "sub")]
    [InlineData("sub/dir", "sub/dir")]
    [InlineData("sub\\dir", "sub/dir")]
    [InlineData("./sub/./dir/", "sub/dir")]
    [InlineData("../..", "")]
    [InlineData("/abs", "abs")]
    [InlineData("/etc/cron.d", "etc/cron.d")]
    [InlineData("a/../../b", "a/b")]
    [InlineData("..\\..\\win", "win")]
    [InlineData("C:\\Windows", "C_/Windows")]
    [InlineData(".hidden/-flag", "hidden/flag")]
    [InlineData(".../....//x", "x")]
    public void Resolve_SubDirectory_StaysBelowRoot(string? subDirectory, string expectedRelative)
    {
        var resolved = OutputDirectory.Resolve(Root, subDirectory);

        var expected = expectedRelative.Length == 0
            ? Root
            : Path.Combine([Root, .. expectedRelative.Split('/')]);
        resolved.ShouldBe(expected);
        IsAtOrBelow(Root, resolved).ShouldBeTrue(resolved);
    }

    [Theory]
    [InlineData("../../../../../../../../tmp/escape")]
    [InlineData("a/b/../../../../c")]
    [InlineData("~/x")]
    [InlineData("%2e%2e/%2e%2e/x")]
    [InlineData("\\\\server\\share\\x")]
    public void Resolve_HostilePath_NeverEscapesRoot(string subDirectory)
    {
        var resolved = OutputDirectory.Resolve(Root, subDirectory);

        IsAtOrBelow(Root, resolved).ShouldBeTrue(resolved);
    }

    private static bool IsAtOrBelow(string root, string path)
    {
        var fullRoot = Path.GetFullPath(root).TrimEnd(Path.DirectorySeparatorChar);
        var fullPath = Path.GetFullPath(path);
        return fullPath == fullRoot || fullPath.StartsWith(fullRoot + Path.DirectorySeparatorChar, StringComparison.Ordinal);
    }

    private static bool HasLoneSurrogate(string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            if (char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                i++;
            }
            else if (char.IsSurrogate(text[i]))
            {
                return true;
            }
        }

        return false;
    }
}
