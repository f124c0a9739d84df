using System.CommandLine;
using Haul.Cli.Config;

namespace Haul.Cli.Commands;

/// <summary><c>haul config</c>: every setting of <c>get</c> and <c>crawl</c>, its effective value, and where it came from.</summary>
internal static class ConfigCommand
{
    public static Command Create(CliIo io)
    {
        var command = new Command("config", "Print the effective settings of get and crawl and where each came from (config file, environment, default). Credentials are masked.");
        command.SetAction(async (parseResult, _) =>
        {
            var root = (RootCommand)parseResult.RootCommandResult.Command;
            var explicitPath = parseResult.GetValue<string?>(HaulCli.ConfigFlag);
            var config = ConfigFile.Load(explicitPath, io.Environment);
            var path = explicitPath ?? ConfigFile.DefaultPath(io.Environment);
            await io.Out.WriteLineAsync(config is not null
                ? $"# config file: {config.Path}"
                : $"# config file: {path ?? "(none: neither XDG_CONFIG_HOME nor HOME is set)"} (not there)");
            var rows = SettingsTable.Rows(root, config, io.Environment);
            var nameWidth = rows.Max(row => row.Name.Length);
            var valueWidth = Math.Min(48, rows.Max(row => row.Value.Length));
            foreach (var row in rows)
            {
                await io.Out.WriteLineAsync($"{row.Name.PadRight(nameWidth)}  {row.Value.PadRight(valueWidth)}  {row.Source}".TrimEnd());
            }

            return ExitCodes.Success;
        });
        return command;
    }
}
