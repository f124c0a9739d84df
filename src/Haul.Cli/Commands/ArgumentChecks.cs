namespace Haul.Cli.Commands;

/// <summary>Checks shared by the commands; each failure is a one-line usage error (exit 2).</summary>
internal static class ArgumentChecks
{
    public static int AtLeast(int value, int minimum, string flag) =>
        value >= minimum ? value : throw new UsageException($"{flag} must be at least {minimum}, not {value}.");

    /// <summary>An unknown option lands among the URL arguments: no URL starts with a dash.</summary>
    public static string[] UrlsOnly(string[] arguments, string command) =>
        arguments.FirstOrDefault(argument => argument.StartsWith('-')) is { } unknown
            ? throw new UsageException($"unknown option '{unknown}' (see 'haul {command} --help').")
            : arguments;
}
