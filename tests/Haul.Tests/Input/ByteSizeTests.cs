using Haul.Input;

namespace Haul.Tests.Input;

public sealed class ByteSizeTests
{
    [Theory]
    [InlineData("1048576", 1048576L)]
    [InlineData("512K", 512L * 1024)]
    [InlineData("512k", 512L * 1024)]
    [InlineData("512KB", 512L * 1024)]
    [InlineData("512KiB", 512L * 1024)]
    [InlineData("10M", 10L << 20)]
    [InlineData("10MB", 10L << 20)]
    [InlineData("10mib", 10L << 20)]
    [InlineData("1.5G", 3L << 29)]
    [InlineData("2GiB", 2L << 30)]
    [InlineData("1TB", 1L << 40)]
    [InlineData("100B", 100L)]
    [InlineData(" 8M ", 8L << 20)]
    public void TryParse_NumberWithSuffix_PowersOf1024(string text, long expected)
    {
        ByteSize.TryParse(text, out var bytes).ShouldBeTrue();
        bytes.ShouldBe(expected);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0")]
    [InlineData("-1K")]
    [InlineData("10X")]
    [InlineData("10KBB")]
    [InlineData("K")]
    [InlineData("1e3")]
    [InlineData("0.1")]
    [InlineData("99999999999T")]
    public void TryParse_NotASize_False(string text)
    {
        ByteSize.TryParse(text, out _).ShouldBeFalse();
    }
}
