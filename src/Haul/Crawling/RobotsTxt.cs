using System.Globalization;
using System.Text;

namespace Haul.Crawling;

/// <summary>
/// The robots.txt rules that apply to one crawler (RFC 9309): the group naming its product token,
/// else the <c>*</c> group; the longest matching <c>Allow</c>/<c>Disallow</c> pattern wins, Allow on
/// a tie; <c>*</c> and <c>$</c> in patterns; <c>Crawl-delay</c> as the widely used extension.
/// </summary>
internal sealed class RobotsTxt
{
    private const int MaxBytes = 500 * 1024;
    private readonly List<(string Pattern, bool Allow)> _rules;

    private RobotsTxt(List<(string Pattern, bool Allow)> rules, TimeSpan? crawlDelay)
    {
        _rules = rules;
        CrawlDelay = crawlDelay;
    }

    /// <summary>No robots.txt (a 4xx answer): everything is allowed.</summary>
    public static RobotsTxt AllowAll { get; } = new([], null);

    /// <summary>An unreachable robots.txt (a 5xx answer): nothing is allowed, as RFC 9309 asks.</summary>
    public static RobotsTxt DisallowAll { get; } = new([("/", false)], null);

    public TimeSpan? CrawlDelay { get; }

    public static RobotsTxt ForStatus(int statusCode) => statusCode >= 500 ? DisallowAll : AllowAll;

    public static RobotsTxt Parse(string text, string productToken)
    {
        if (text.Length > MaxBytes)
        {
            text = text[..MaxBytes];
        }

        var token = productToken.ToLowerInvariant();
        var groups = new List<Group>();
        Group? current = null;
        var lastWasAgent = false;
        foreach (var rawLine in text.TrimStart('\uFEFF').Split('\n'))
        {
            var line = rawLine;
            var hash = line.IndexOf('#', StringComparison.Ordinal);
            if (hash >= 0)
            {
                line = line[..hash];
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "user-agent":
                    if (current is null || !lastWasAgent)
                    {
                        current = new Group();
                        groups.Add(current);
                    }

                    current.Agents.Add(ProductName(value));
                    lastWasAgent = true;
                    continue;
                case "allow" or "disallow" when current is not null:
                    if (value.Length > 0)
                    {
                        current.Rules.Add((Normalize(value), key == "allow"));
                    }

                    break;
                case "crawl-delay" when current is not null:
                    if (double.TryParse(value, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
                    {
                        current.CrawlDelay = TimeSpan.FromSeconds(seconds);
                    }

                    break;
            }

            lastWasAgent = false;
        }

        var chosen = groups.Where(group => group.Agents.Contains(token)).ToList();
        if (chosen.Count == 0)
        {
            chosen = [.. groups.Where(group => group.Agents.Contains("*"))];
        }

        return new RobotsTxt(
            [.. chosen.SelectMany(group => group.Rules)],
            chosen.Select(group => group.CrawlDelay).FirstOrDefault(delay => delay is not null));
    }

    public bool IsAllowed(Uri url)
    {
        var path = Normalize(url.PathAndQuery);
        if (path == "/robots.txt")
        {
            return true;
        }

        var bestLength = -1;
        var allowed = true;
        foreach (var (pattern, allow) in _rules)
        {
            if (Matches(pattern, path) && (pattern.Length > bestLength || (pattern.Length == bestLength && allow)))
            {
                bestLength = pattern.Length;
                allowed = allow;
            }
        }

        return allowed;
    }

    // "Googlebot/2.1" and "googlebot" name the same product.
    private static string ProductName(string value)
    {
        var end = value.IndexOfAny(['/', ' ', '\t']);
        return (end > 0 ? value[..end] : value).ToLowerInvariant();
    }

    /// <summary>Percent-escapes in upper case, unreserved characters decoded, so that equal URLs compare equal.</summary>
    private static string Normalize(string value)
    {
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && Uri.IsHexDigit(value[i + 1]) && Uri.IsHexDigit(value[i + 2]))
            {
                var decoded = (char)Convert.ToInt32(value.Substring(i + 1, 2), 16);
                if (char.IsAsciiLetterOrDigit(decoded) || decoded is '-' or '.' or '_' or '~')
                {
                    builder.Append(decoded);
                }
                else
                {
                    builder.Append('%').Append(char.ToUpperInvariant(value[i + 1])).Append(char.ToUpperInvariant(value[i + 2]));
                }

                i += 2;
            }
            else
            {
                builder.Append(value[i]);
            }
        }

        return builder.ToString();
    }

    /// <summary>Prefix match with <c>*</c> for any run of characters and a final <c>$</c> for the end.</summary>
    private static bool Matches(string pattern, string path)
    {
        var anchored = pattern.EndsWith('$');
        var parts = (anchored ? pattern[..^1] : pattern).Split('*');
        if (!path.StartsWith(parts[0], StringComparison.Ordinal))
        {
            return false;
        }

        var position = parts[0].Length;
        for (var i = 1; i < parts.Length; i++)
        {
            var last = i == parts.Length - 1;
            var found = last && anchored
                ? (path.Length - parts[i].Length >= position && path.EndsWith(parts[i], StringComparison.Ordinal) ? path.Length - parts[i].Length : -1)
                : path.IndexOf(parts[i], position, StringComparison.Ordinal);
            if (found < 0)
            {
                return false;
            }

            position = found + parts[i].Length;
        }

        return !anchored || position == path.Length;
    }

    private sealed class Group
    {
        public HashSet<string> Agents { get; } = new(StringComparer.Ordinal);

        public List<(string Pattern, bool Allow)> Rules { get; } = [];

        public TimeSpan? CrawlDelay { get; set; }
    }
}
