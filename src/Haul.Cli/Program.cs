using Haul.Cli;

return await HaulCli.RunAsync(args, CliIo.FromConsole());
