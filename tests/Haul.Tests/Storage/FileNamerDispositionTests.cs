using System.Net.Http.Headers;
using Haul.Storage;

namespace Haul.Tests.Storage;

/// <summary>Content-Disposition values the strict parser refuses, read from the raw header as curl reads them.</summary>
public sealed class FileNamerDispositionTests
{
    [Theory]
    [InlineData("filename=a.jpg; charset=x", "a.jpg")]
    [InlineData("filename=\"a;b.jpg\"; size=3", "a;b.jpg")]
    [InlineData("attachment; filename='a.jpg", "a.jpg")]
    [InlineData("attachment; filename=\"open.jpg", "open.jpg")]
    [InlineData("inline; FILENAME=\"/etc/passwd\"", "passwd")]
    [InlineData("filename=x.bin; filename*=UTF-8''na%C3%AFve.txt", "naïve.txt")]
    [InlineData("filename*=ISO-8859-1''caf%E9.txt; filename=x.bin", "café.txt")]
    [InlineData("filename*=KOI8-R''%C1.txt; filename=fallback.txt", "fallback.txt")]
    [InlineData("filename*=UTF-8''%FF.txt; filename=fallback.txt", "fallback.txt")]
    [InlineData("filename=\"..\\\\..\\\\win.ini\"", "win.ini")]
    [InlineData("attachment", null)]
    [InlineData("filename=\"..\"", null)]
    public void FromContentDisposition_RawValue_ReadAsCurlReadsIt(string raw, string? expected)
    {
        ContentDispositionHeaderValue.TryParse(raw, out var parsed);

        FileNamer.FromContentDisposition(parsed, raw).ShouldBe(expected);
    }

    [Fact]
    public void FromContentDisposition_NeitherParsedNorRaw_Null() =>
        FileNamer.FromContentDisposition(null, null).ShouldBeNull();
}
