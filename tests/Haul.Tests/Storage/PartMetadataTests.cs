using Haul.Storage;

namespace Haul.Tests.Storage;

public sealed class PartMetadataTests
{
    [Theory]
    [InlineData("\"abc\"", "\"abc\"")]
    [InlineData("W/\"abc\"", "W/\"abc\"")]
    [InlineData("\"\"", "\"\"")]
    [InlineData(" \"x-1\" ", "\"x-1\"")]
    [InlineData("\"caf\u00e9\"", null)]
    [InlineData("abc", null)]
    [InlineData("\"a\"b\"", null)]
    [InlineData("\"", null)]
    [InlineData("\"a b\"", null)]
    [InlineData("w/\"abc\"", null)]
    [InlineData(null, null)]
    public void UsableETag_RawValue_OnlyAValidAsciiEntityTag(string? raw, string? expected) =>
        PartMetadata.UsableETag(raw).ShouldBe(expected);

    [Fact]
    public void HasValidator_NonAsciiETagWithoutDate_False()
    {
        var metadata = new PartMetadata("http://x/a", "\"caf\u00e9\"", null, 10);

        metadata.StrongETag.ShouldBeNull();
        metadata.HasValidator.ShouldBeFalse();
    }

    [Fact]
    public void StrongETag_NonAsciiETagWithDate_DateIsTheValidator()
    {
        var metadata = new PartMetadata("http://x/a", "\"caf\u00e9\"", DateTimeOffset.UnixEpoch, 10);

        metadata.StrongETag.ShouldBeNull();
        metadata.HasValidator.ShouldBeTrue();
    }
}
