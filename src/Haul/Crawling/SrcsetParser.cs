using System.Globalization;

namespace Haul.Crawling;

/// <summary>
/// Parses <c>srcset</c> values the way browsers do (HTML "parse a srcset attribute"): a URL runs to the next
/// whitespace, so URLs may contain commas; descriptors run to the next comma outside parentheses; a candidate
/// with an invalid or repeated descriptor is dropped rather than guessed at.
/// </summary>
internal static class SrcsetParser
{
    public static IReadOnlyList<SrcsetCandidate> Parse(string srcset)
    {
        ArgumentNullException.ThrowIfNull(srcset);
        var candidates = new List<SrcsetCandidate>();
        var position = 0;
        while (true)
        {
            while (position < srcset.Length && (IsSpace(srcset[position]) || srcset[position] == ','))
            {
                position++;
            }

            if (position >= srcset.Length)
            {
                return candidates;
            }

            var urlStart = position;
            while (position < srcset.Length && !IsSpace(srcset[position]))
            {
                position++;
            }

            var url = srcset[urlStart..position];
            var descriptors = new List<string>();
            if (url.EndsWith(','))
            {
                // "a.jpg, b.jpg": the comma ends the candidate, and it has no descriptors.
                url = url.TrimEnd(',');
            }
            else
            {
                position = ReadDescriptors(srcset, position, descriptors);
            }

            if (url.Length > 0 && TryCandidate(url, descriptors, out var candidate))
            {
                candidates.Add(candidate);
            }
        }
    }

    /// <summary>The candidate a downloader wants: the widest if any has a width, else the densest.</summary>
    public static SrcsetCandidate? Largest(string srcset)
    {
        SrcsetCandidate? widest = null;
        SrcsetCandidate? densest = null;
        foreach (var candidate in Parse(srcset))
        {
            if (candidate.Width is { } width)
            {
                if (widest is null || width > widest.Value.Width)
                {
                    widest = candidate;
                }
            }
            else if (densest is null || candidate.Density > densest.Value.Density)
            {
                densest = candidate;
            }
        }

        return widest ?? densest;
    }

    private static int ReadDescriptors(string srcset, int position, List<string> descriptors)
    {
        var current = new System.Text.StringBuilder();
        var inParens = false;
        for (; position < srcset.Length; position++)
        {
            var c = srcset[position];
            if (inParens)
            {
                current.Append(c);
                inParens = c != ')';
            }
            else if (IsSpace(c))
            {
                Flush(current, descriptors);
            }
            else if (c == ',')
            {
                Flush(current, descriptors);
                return position + 1;
            }
            else
            {
                current.Append(c);
                inParens = c == '(';
            }
        }

        Flush(current, descriptors);
        return position;
    }

    private static void Flush(System.Text.StringBuilder current, List<string> descriptors)
    {
        if (current.Length > 0)
        {
            descriptors.Add(current.ToString());
            current.Clear();
        }
    }

    private static bool TryCandidate(string url, List<string> descriptors, out SrcsetCandidate candidate)
    {
        candidate = default;
        int? width = null;
        int? height = null;
        double? density = null;
        foreach (var descriptor in descriptors)
        {
            var number = descriptor.AsSpan(0, descriptor.Length - 1);
            switch (descriptor[^1])
            {
                case 'w' when width is null && density is null && TryPositiveInteger(number, out var w):
                    width = w;
                    break;
                case 'h' when height is null && density is null && TryPositiveInteger(number, out var h):
                    height = h;
                    break;
                case 'x' when width is null && height is null && density is null && TryDensity(number, out var x):
                    density = x;
                    break;
                default:
                    return false;
            }
        }

        // A height alone says nothing about which candidate is larger; browsers drop it too.
        if (height is not null && width is null)
        {
            return false;
        }

        candidate = new SrcsetCandidate(url, width, width is null ? density ?? 1 : null);
        return true;
    }

    // Digits only: "+2w", " 2w" and "2.0w" are invalid in the HTML grammar.
    private static bool TryPositiveInteger(ReadOnlySpan<char> text, out int value)
    {
        value = 0;
        return text.Length > 0 && text[0] is >= '0' and <= '9'
            && int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out value)
            && value > 0;
    }

    private static bool TryDensity(ReadOnlySpan<char> text, out double value)
    {
        value = 0;
        return text.Length > 0 && text[0] is (>= '0' and <= '9') or '.'
            && double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value)
            && double.IsFinite(value) && value >= 0;
    }

    private static bool IsSpace(char c) => c is ' ' or '\t' or '\n' or '\r' or '\f';
}
