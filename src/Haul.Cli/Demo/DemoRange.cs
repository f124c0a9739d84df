using System.Globalization;

namespace Haul.Cli.Demo;

/// <summary>A single <c>Range: bytes=FROM-[TO]</c> or <c>bytes=-SUFFIX</c> of a request, resolved against a length.</summary>
internal static class DemoRange
{
    /// <summary>What a Range header asks of a body of <paramref name="length"/> bytes.</summary>
    public enum Outcome
    {
        /// <summary>No usable range (absent, malformed, several): the whole body with 200.</summary>
        Whole,
        /// <summary>A part of the body with 206.</summary>
        Part,
        /// <summary>A range that starts past the end: 416.</summary>
        Unsatisfiable,
    }

    public static Outcome Resolve(string? header, long length, out long start, out long end)
    {
        start = 0;
        end = length - 1;
        if (header is null || !header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase) || header.Contains(',', StringComparison.Ordinal))
        {
            return Outcome.Whole;
        }

        var spec = header["bytes=".Length..].Trim();
        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return Outcome.Whole;
        }

        var first = spec[..dash];
        var last = spec[(dash + 1)..];
        if (first.Length == 0)
        {
            // A suffix: the last N bytes.
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix))
            {
                return Outcome.Whole;
            }

            if (suffix == 0 || length == 0)
            {
                return Outcome.Unsatisfiable;
            }

            start = Math.Max(0, length - suffix);
            return Outcome.Part;
        }

        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out start))
        {
            start = 0;
            return Outcome.Whole;
        }

        if (last.Length > 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var to) || to < start)
            {
                start = 0;
                return Outcome.Whole;
            }

            end = Math.Min(to, length - 1);
        }

        return start < length ? Outcome.Part : Outcome.Unsatisfiable;
    }
}
