using System.Globalization;

namespace Haul.Input;

/// <summary>Sizes as users write them: <c>1048576</c>, <c>512K</c>, <c>10M</c>, <c>2G</c> (powers of 1024).</summary>
internal static class ByteSize
{
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        text = text.Trim();
        if (text.Length == 0)
        {
            return false;
        }

        var multiplier = char.ToUpperInvariant(text[^1]) switch
        {
            'K' => 1L << 10,
            'M' => 1L << 20,
            'G' => 1L << 30,
            'T' => 1L << 40,
            _ => 1L,
        };
        var number = multiplier == 1 ? text : text[..^1];
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value <= 0 || value * multiplier > long.MaxValue)
        {
            return false;
        }

        bytes = (long)(value * multiplier);
        return true;
    }
}
