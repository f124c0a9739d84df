using System.CommandLine;
using System.Net;

namespace Haul.Cli;

/// <summary>
/// <c>haul frobnicate</c>: a first argument that is neither a command nor a URL or host. Taken as
/// a URL it would fail as an invalid URL, which hides the typo; a command name is suggested instead.
/// </summary>
internal static class UnknownCommand
{
    /// <summary>The one-line message for an unknown command, or null when the first argument is fine.</summary>
    public static string? Find(RootCommand root, string[] args)
    {
        var first = 0;
        while (first < args.Length && (args[first] == HaulCli.ConfigFlag || args[first].StartsWith(HaulCli.ConfigFlag + "=", StringComparison.Ordinal)))
        {
            first += args[first] == HaulCli.ConfigFlag ? 2 : 1;
        }

        if (first >= args.Length)
        {
            return null;
        }

        var word = args[first];
        var names = root.Subcommands.SelectMany(command => command.Aliases.Prepend(command.Name)).ToList();
        if (word.Length == 0 || word.StartsWith('-') || word.StartsWith('[') || names.Contains(word, StringComparer.Ordinal) || LooksLikeAddress(word))
        {
            return null;
        }

        var shown = Actions.DisplayText.Clean(word, 60);
        var nearest = names.MinBy(name => Distance(word.ToLowerInvariant(), name));
        return $"unknown command '{shown}'; did you mean 'haul {nearest}'? (see 'haul --help'; a URL needs a scheme or a host name, as in example.org/a.jpg)";
    }

    /// <summary>A URL, or a host (with a dot, localhost, an IP address) that <c>haul get</c> can make one of.</summary>
    internal static bool LooksLikeAddress(string word)
    {
        if (word.Contains("://", StringComparison.Ordinal) || word.Contains('.', StringComparison.Ordinal))
        {
            return true;
        }

        var host = word.Split('/', 2)[0];
        if (IPAddress.TryParse(host, out _))
        {
            return true;
        }

        var colon = host.LastIndexOf(':');
        var name = colon > 0 ? host[..colon] : host;
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || IPAddress.TryParse(name, out _);
    }

    /// <summary>Levenshtein distance: the fewest single-letter edits from one word to the other.</summary>
    internal static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        var current = new int[b.Length + 1];
        for (var i = 1; i <= a.Length; i++)
        {
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
                current[j] = Math.Min(substitution, Math.Min(previous[j] + 1, current[j - 1] + 1));
            }

            (previous, current) = (current, previous);
        }

        return previous[b.Length];
    }
}
