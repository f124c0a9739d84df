namespace Haul.Cli.Config;

/// <summary>
/// <c>haul.conf</c>: <c>key = value</c> lines whose keys are the long flag names without
/// <c>--</c> (<c>header = Accept-Language: en</c>, <c>insecure = true</c>); <c>#</c> starts a
/// comment line; a key alone means <c>true</c>; a repeatable flag may appear on several lines.
/// </summary>
internal sealed record ConfigFile(string Path, IReadOnlyList<ConfigEntry> Entries)
{
    /// <summary><c>$XDG_CONFIG_HOME/haul/haul.conf</c>, else <c>~/.config/haul/haul.conf</c>; null without either variable.</summary>
    public static string? DefaultPath(Func<string, string?> environment)
    {
        if (environment("XDG_CONFIG_HOME") is { Length: > 0 } configHome && System.IO.Path.IsPathRooted(configHome))
        {
            return System.IO.Path.Combine(configHome, "haul", "haul.conf");
        }

        return environment("HOME") is { Length: > 0 } home
            ? System.IO.Path.Combine(home, ".config", "haul", "haul.conf")
            : null;
    }

    /// <summary>The file named by <c>--config</c> (which must exist), else the default one if it exists.</summary>
    public static ConfigFile? Load(string? explicitPath, Func<string, string?> environment)
    {
        var path = explicitPath ?? DefaultPath(environment);
        if (path is null || (explicitPath is null && !File.Exists(path)))
        {
            return null;
        }

        try
        {
            return Parse(path, File.ReadAllText(path));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw new UsageException($"cannot read the config file '{path}': {ex.Message}");
        }
    }

    public static ConfigFile Parse(string path, string text)
    {
        var entries = new List<ConfigEntry>();
        var number = 0;
        foreach (var raw in text.Split('\n'))
        {
            number++;
            var line = raw.Trim();
            if (line.Length == 0 || line.StartsWith('#'))
            {
                continue;
            }

            var eq = line.IndexOf('=', StringComparison.Ordinal);
            var key = (eq < 0 ? line : line[..eq]).Trim();
            key = key.StartsWith("--", StringComparison.Ordinal) ? key[2..] : key;
            var value = eq < 0 ? "true" : Unquote(line[(eq + 1)..].Trim());
            if (key.Length == 0 || key.Any(char.IsWhiteSpace))
            {
                throw new UsageException($"{path}:{number}: '{line}' is not 'key = value' (keys are the long flag names, such as 'max-concurrent = 32').");
            }

            entries.Add(new ConfigEntry(key.ToLowerInvariant(), value, number));
        }

        return new ConfigFile(path, entries);
    }

    private static string Unquote(string value) =>
        value.Length >= 2 && (value[0] == '"' || value[0] == '\'') && value[^1] == value[0] ? value[1..^1] : value;
}
