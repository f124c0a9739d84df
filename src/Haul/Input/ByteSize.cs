using System.Globalization;

namespace Haul.Input;

/// <summary>
/// Sizes as users write them: <c>1048576</c>, <c>512K</c>, <c>10M</c>, <c>2G</c>; the suffixes
/// <c>K</c>, <c>KB</c> and <c>KiB</c> (and so on for M, G and T) all count in powers of 1024, as
/// aria2, wget and curl count them.
/// </summary>
internal static class ByteSize
{
    public static bool TryParse(string text, out long bytes)
    {
        bytes = 0;
        text = text.Trim();
        var unit = text.Length;
        while (unit > 0 && char.IsAsciiLetter(text[unit - 1]))
        {
            unit--;
        }

        long? multiplier = text[unit..].ToUpperInvariant() switch
        {
            "" or "B" => 1L,
            "K" or "KB" or "KIB" => 1L << 10,
            "M" or "MB" or "MIB" => 1L << 20,
            "G" or "GB" or "GIB" => 1L << 30,
            "T" or "TB" or "TIB" => 1L << 40,
            _ => null,
        };
        if (multiplier is not { } factor
            || !double.TryParse(text[..unit], NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            || value <= 0 || value * factor >= long.MaxValue || value * factor < 1)
        {
            return false;
        }

        bytes = (long)(value * factor);
        return true;
    }
}
