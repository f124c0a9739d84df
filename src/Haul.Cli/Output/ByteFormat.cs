using System.Globalization;
using Haul.Progress;

namespace Haul.Cli.Output;

/// <summary>Human sizes, speeds and durations for progress lines and summaries.</summary>
internal static class ByteFormat
{
    public static string Size(double bytes) => HumanBytes.Format(bytes);

    public static string Speed(double bytesPerSecond) => $"{Size(bytesPerSecond)}/s";

    public static string Duration(TimeSpan duration) => duration.TotalHours >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{(long)duration.TotalHours}:{duration.Minutes:00}:{duration.Seconds:00}")
        : duration.ToString(@"m\:ss", CultureInfo.InvariantCulture);
}
