using System.CommandLine;
using System.CommandLine.Help;
using Haul.Http;

namespace Haul.Cli.Config;

/// <summary>The rows of <c>haul config</c>: each flag of <c>get</c> and <c>crawl</c> with its effective value and its source.</summary>
internal static class SettingsTable
{
    private const string Masked = "****";

    public static List<(string Name, string Value, string Source)> Rows(RootCommand root, ConfigFile? config, Func<string, string?> environment)
    {
        var rows = new List<(string Name, string Value, string Source)>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (name, sample) in new[] { ("get", Array.Empty<string>()), ("crawl", ["https://example.invalid/"]) })
        {
            var command = root.Subcommands.First(candidate => candidate.Name == name);
            string[] args = [name, .. sample];
            var parsed = root.Parse(args);
            if (config is not null)
            {
                parsed = root.Parse(ConfigMerge.Apply(root, args, parsed, config));
            }

            foreach (var option in command.Options.Where(option => option is not HelpOption && option.Name != HaulCli.ConfigFlag))
            {
                var key = option.Name[2..];
                if (seen.Add(key))
                {
                    rows.Add(Row(key, parsed.GetResult(option), config, environment));
                }
            }
        }

        return rows;
    }

    private static (string Name, string Value, string Source) Row(string key, System.CommandLine.Parsing.OptionResult? result, ConfigFile? config, Func<string, string?> environment)
    {
        var lines = config?.Entries.Where(entry => entry.Key == key).Select(entry => entry.Line).ToList() ?? [];
        if (lines.Count > 0)
        {
            return (key, Show(key, result?.GetValueOrDefault<object?>()), $"{config!.Path}:{string.Join(',', lines)}");
        }

        if (FromEnvironment(key, environment) is { } fromEnvironment)
        {
            return (key, fromEnvironment.Value, fromEnvironment.Source);
        }

        return result is { Implicit: true }
            ? (key, Show(key, result.GetValueOrDefault<object?>()), "default")
            : (key, "-", "not set");
    }

    private static (string Value, string Source)? FromEnvironment(string key, Func<string, string?> environment)
    {
        switch (key)
        {
            case "proxy":
                var http = ProxyEnvironment.SourceOf("http", environment);
                var https = ProxyEnvironment.SourceOf("https", environment);
                if (http is null && https is null)
                {
                    return null;
                }

                return ($"http: {ProxySelector.Describe(http is null ? null : environment(http)) ?? "direct"}; https: {ProxySelector.Describe(https is null ? null : environment(https)) ?? "direct"}",
                    $"environment ({string.Join(", ", new[] { http, https }.OfType<string>().Distinct())})");
            case "no-proxy":
                return ProxyEnvironment.SourceOf("no", environment) is { } noProxy ? (environment(noProxy)!, $"environment ({noProxy})") : null;
            case "netrc-file":
                return environment("HOME") is { } home && File.Exists(Netrc.DefaultPath(home)) ? (Netrc.DefaultPath(home), "default (it exists)") : null;
            default:
                return null;
        }
    }

    private static string Show(string key, object? value) => value switch
    {
        null => "-",
        string text when key == "http-password" && text.Length > 0 => Masked,
        string text when key == "proxy" => ProxySelector.Describe(text) ?? "-",
        string[] headers when key == "header" => string.Join(" | ", headers.Select(MaskHeader)),
        string[] values => string.Join(" | ", values),
        bool flag => flag ? "true" : "false",
        _ => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "-",
    };

    private static string MaskHeader(string line)
    {
        var colon = line.IndexOf(':', StringComparison.Ordinal);
        return colon > 0 && HeaderLine.IsCredential(line[..colon].Trim()) ? $"{line[..colon]}: {Masked}" : line;
    }
}
