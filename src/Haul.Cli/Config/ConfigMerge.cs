using System.CommandLine;

namespace Haul.Cli.Config;

/// <summary>
/// Applies a config file to a command line by adding, after the command's name, the flags the
/// file sets and the command line does not: so every flag works in the file, parsed and checked
/// exactly as on the command line, and the command line wins. A repeatable flag (<c>header</c>)
/// gets the file's values first, the command line's after them.
/// </summary>
internal static class ConfigMerge
{
    /// <summary>Commands that take settings from the config file.</summary>
    public static bool Applies(Command command) => command.Name is "get" or "crawl" or "list";

    public static string[] Apply(RootCommand root, string[] args, ParseResult parsed, ConfigFile config)
    {
        var command = parsed.CommandResult.Command;
        if (!Applies(command))
        {
            return args;
        }

        var added = new List<string>();
        foreach (var entry in config.Entries)
        {
            var option = Find(command, entry.Key);
            if (option is null)
            {
                if (!root.Subcommands.Any(other => Find(other, entry.Key) is not null))
                {
                    throw new UsageException($"{config.Path}:{entry.Line}: unknown setting '{entry.Key}' (settings are the long flag names of get and crawl, without '--').");
                }

                continue;
            }

            var given = parsed.GetResult(option) is { Implicit: false };
            if (given && option.Arity.MaximumNumberOfValues <= 1)
            {
                continue;
            }

            added.Add(option.Name);
            added.Add(option.ValueType == typeof(bool) ? Boolean(entry, config.Path) : entry.Value);
        }

        if (added.Count == 0)
        {
            return args;
        }

        var at = CommandIndex(args, command);
        return [.. args[..(at + 1)], .. added, .. args[(at + 1)..]];
    }

    /// <summary>The option a config key names: a long flag of the command, by its name or an alias.</summary>
    public static Option? Find(Command command, string key)
    {
        if (key == "config")
        {
            return null;
        }

        var flag = "--" + key;
        return command.Options.FirstOrDefault(option => option.Name == flag || option.Aliases.Contains(flag));
    }

    private static int CommandIndex(string[] args, Command command)
    {
        for (var i = 0; i < args.Length; i++)
        {
            if (args[i] == "--config")
            {
                i++;
                continue;
            }

            if (args[i] == command.Name || command.Aliases.Contains(args[i]))
            {
                return i;
            }
        }

        throw new InvalidOperationException($"'{command.Name}' is not on the command line.");
    }

    private static string Boolean(ConfigEntry entry, string path) => entry.Value.ToLowerInvariant() switch
    {
        "true" or "yes" or "on" or "1" => "true",
        "false" or "no" or "off" or "0" => "false",
        _ => throw new UsageException($"{path}:{entry.Line}: '{entry.Key}' is on or off: write 'true' or 'false', not '{entry.Value}'."),
    };
}
