using System.Globalization;
using System.Net;

namespace Haul.Http;

/// <summary>
/// The Public Suffix List (publicsuffix.org) shipped inside the library: which names are open for
/// anyone to register under (<c>co.uk</c>, <c>github.io</c>), so <c>a.example.co.uk</c> and
/// <c>b.example.co.uk</c> are one site while <c>a.co.uk</c> and <c>b.co.uk</c> are two. Matching
/// follows the list's algorithm: the rule with the most labels wins, <c>*</c> matches one label,
/// an exception (<c>!</c>) beats the wildcard it cuts, and an unlisted top-level name is a suffix.
/// </summary>
internal sealed class PublicSuffixList
{
    private const string ResourceName = "Haul.Http.public_suffix_list.dat";
    private static readonly Lazy<PublicSuffixList> Embedded = new(Load);
    private readonly HashSet<string> _rules = new(StringComparer.Ordinal);
    private readonly HashSet<string> _wildcards = new(StringComparer.Ordinal);
    private readonly HashSet<string> _exceptions = new(StringComparer.Ordinal);

    /// <summary>The list embedded in Haul.Core, parsed on first use.</summary>
    public static PublicSuffixList Default => Embedded.Value;

    /// <summary>Parses the list's text format: one rule a line, <c>//</c> comments, the rule ends at the first whitespace.</summary>
    public static PublicSuffixList Parse(TextReader reader)
    {
        ArgumentNullException.ThrowIfNull(reader);
        var list = new PublicSuffixList();
        var idn = new IdnMapping();
        while (reader.ReadLine() is { } line)
        {
            var rule = line.Trim();
            var space = rule.IndexOfAny([' ', '\t']);
            rule = space < 0 ? rule : rule[..space];
            if (rule.Length == 0 || rule.StartsWith("//", StringComparison.Ordinal))
            {
                continue;
            }

            if (rule.StartsWith('!'))
            {
                list._exceptions.Add(Ascii(idn, rule[1..]));
            }
            else if (rule.StartsWith("*.", StringComparison.Ordinal))
            {
                list._wildcards.Add(Ascii(idn, rule[2..]));
            }
            else
            {
                list._rules.Add(Ascii(idn, rule));
            }
        }

        return list;
    }

    /// <summary>The public suffix of a host name (<c>co.uk</c> for <c>a.example.co.uk</c>); null for an IP address or an empty name.</summary>
    public string? PublicSuffix(string host)
    {
        var labels = Labels(host);
        if (labels is null)
        {
            return null;
        }

        // Longest candidate first, so the first rule that matches is the one with the most labels.
        for (var i = 0; i < labels.Length; i++)
        {
            var candidate = string.Join('.', labels[i..]);
            if (_exceptions.Contains(candidate))
            {
                return string.Join('.', labels[(i + 1)..]);
            }

            if (_rules.Contains(candidate) || (i + 1 < labels.Length && _wildcards.Contains(string.Join('.', labels[(i + 1)..]))))
            {
                return candidate;
            }
        }

        return labels[^1];
    }

    /// <summary>The registrable domain: the public suffix and one label more (<c>example.co.uk</c>); null when the host is itself a public suffix or an IP address.</summary>
    public string? RegistrableDomain(string host)
    {
        var labels = Labels(host);
        if (labels is null || PublicSuffix(host) is not { } suffix)
        {
            return null;
        }

        var suffixLabels = suffix.Count(c => c == '.') + 1;
        return labels.Length > suffixLabels ? string.Join('.', labels[^(suffixLabels + 1)..]) : null;
    }

    /// <summary>True when <paramref name="domain"/> is a public suffix, such as <c>com</c> or <c>co.uk</c>.</summary>
    public bool IsPublicSuffix(string domain) =>
        Labels(domain) is { } labels && string.Equals(PublicSuffix(domain), string.Join('.', labels), StringComparison.Ordinal);

    private static string[]? Labels(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var name = host.Trim().TrimEnd('.').ToLowerInvariant();
        if (name.Length == 0 || IPAddress.TryParse(name.Trim('[', ']'), out _))
        {
            return null;
        }

        try
        {
            name = new IdnMapping().GetAscii(name);
        }
        catch (ArgumentException)
        {
            // Not a valid IDN: compared as written.
        }

        var labels = name.Split('.');
        return labels.Any(label => label.Length == 0) ? null : labels;
    }

    private static string Ascii(IdnMapping idn, string rule)
    {
        try
        {
            return idn.GetAscii(rule.ToLowerInvariant());
        }
        catch (ArgumentException)
        {
            return rule.ToLowerInvariant();
        }
    }

    private static PublicSuffixList Load()
    {
        using var stream = typeof(PublicSuffixList).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from Haul.Core.");
        using var reader = new StreamReader(stream);
        return Parse(reader);
    }
}
