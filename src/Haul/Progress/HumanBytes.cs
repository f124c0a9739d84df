using System.Globalization;

namespace Haul.Progress;

/// <summary>Human sizes (1024-based, invariant culture) for messages, progress lines and summaries.</summary>
internal static class HumanBytes
{
    private static readonly string[] Units = ["B", "KiB", "MiB", "GiB", "TiB"];

    public static string Format(double bytes)
    {
        var unit = 0;
        while (bytes >= 1024 && unit < Units.Length - 1)
        {
            bytes /= 1024;
            unit++;
        }

        return unit == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{bytes:0} B")
            : string.Create(CultureInfo.InvariantCulture, $"{bytes:0.0} {Units[unit]}");
    }
}
