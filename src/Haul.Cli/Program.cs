using Haul.Cli;

// `haul --version` alone is answered before the console streams, the stdout watch and the command
// tree are set up: a script that checks the version pays for one line of output.
if (args is ["--version"])
{
    Console.Out.Write(VersionAction.Text() + "\n");
    return ExitCodes.Success;
}

return await HaulCli.RunAsync(args, CliIo.FromConsole());
