using System.Text;

namespace Haul.Crawling;

internal sealed partial class RobotsRules
{
    /// <summary>
    /// The rules in <paramref name="text"/> that apply to the crawler named <paramref name="productToken"/>
    /// (such as <c>haul</c> or <c>haul/1.0</c>). Only the first <see cref="MaxBytes"/> bytes (as UTF-8) are read.
    /// </summary>
    public static RobotsRules Parse(string text, string productToken)
    {
        ArgumentNullException.ThrowIfNull(text);
        var cut = CutIndex(text);
        var truncated = cut < text.Length;
        return Parse(truncated ? text[..cut] : text, endsMidLine: truncated && !IsLineBreak(text[cut]), productToken);
    }

    /// <summary>As <see cref="Parse(string, string)"/>, for a body read as bytes; it is decoded as UTF-8.</summary>
    public static RobotsRules Parse(ReadOnlySpan<byte> utf8, string productToken)
    {
        var truncated = utf8.Length > MaxBytes;
        var text = Encoding.UTF8.GetString(truncated ? utf8[..MaxBytes] : utf8);
        return Parse(text, endsMidLine: truncated && !IsLineBreak((char)utf8[MaxBytes]), productToken);
    }

    private static RobotsRules Parse(string text, bool endsMidLine, string productToken)
    {
        ArgumentNullException.ThrowIfNull(productToken);
        var product = RobotsGroup.ProductName(productToken);
        if (product.Length == 0 || product == "*")
        {
            throw new ArgumentException($"'{productToken}' is not a crawler's product token.", nameof(productToken));
        }

        // A line cut by the size limit is dropped: "Disallow: /private" cut to "Disallow: /" would shut out a whole site.
        if (endsMidLine)
        {
            text = text[..(text.LastIndexOfAny(['\r', '\n']) + 1)];
        }

        var groups = ReadGroups(text);
        var chosen = groups.Where(group => group.AppliesTo(product)).ToList();
        if (chosen.Count == 0)
        {
            chosen = [.. groups.Where(group => group.AppliesTo("*"))];
        }

        // Several groups for one crawler are merged; of their delays the longest is the polite one to keep.
        return new RobotsRules(
            [.. chosen.SelectMany(group => group.Rules)],
            chosen.Select(group => group.CrawlDelay).Max());
    }

    private static List<RobotsGroup> ReadGroups(string text)
    {
        var groups = new List<RobotsGroup>();
        RobotsGroup? current = null;
        var readingAgents = false;
        foreach (var line in text.TrimStart('\uFEFF').Split(["\r\n", "\r", "\n"], StringSplitOptions.None))
        {
            if (!TrySplit(line, out var key, out var value))
            {
                continue;
            }

            if (key.Equals("user-agent", StringComparison.OrdinalIgnoreCase))
            {
                // Consecutive User-agent lines (blank lines and unknown keys between them too) open one group.
                if (!readingAgents)
                {
                    current = new RobotsGroup();
                    groups.Add(current);
                    readingAgents = true;
                }

                current!.AddAgent(value);
            }
            else if (current is not null && key.Equals("disallow", StringComparison.OrdinalIgnoreCase))
            {
                current.AddRule(value, isAllow: false);
                readingAgents = false;
            }
            else if (current is not null && key.Equals("allow", StringComparison.OrdinalIgnoreCase))
            {
                current.AddRule(value, isAllow: true);
                readingAgents = false;
            }
            else if (current is not null && key.Equals("crawl-delay", StringComparison.OrdinalIgnoreCase))
            {
                current.AddCrawlDelay(value);
                readingAgents = false;
            }
        }

        return groups;
    }

    private static bool TrySplit(string line, out string key, out string value)
    {
        var content = line.AsSpan();
        var comment = content.IndexOf('#');
        if (comment >= 0)
        {
            content = content[..comment];
        }

        var colon = content.IndexOf(':');
        key = colon > 0 ? content[..colon].Trim().ToString() : "";
        value = colon > 0 ? content[(colon + 1)..].Trim().ToString() : "";
        return key.Length > 0;
    }

    /// <summary>How many characters of <paramref name="text"/> fit in <see cref="MaxBytes"/> bytes of UTF-8.</summary>
    private static int CutIndex(string text)
    {
        if (text.Length <= MaxBytes / 3)
        {
            return text.Length;
        }

        var bytes = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var isPair = char.IsHighSurrogate(text[i]) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]);
            var size = isPair ? 4 : text[i] < 0x80 ? 1 : text[i] < 0x800 ? 2 : 3;
            if (bytes + size > MaxBytes)
            {
                return i;
            }

            bytes += size;
            if (isPair)
            {
                i++;
            }
        }

        return text.Length;
    }

    private static bool IsLineBreak(char c) => c is '\r' or '\n';
}
