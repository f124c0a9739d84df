namespace Haul.Cli;

/// <summary>Where the CLI reads and writes; the real console in production, strings in tests.</summary>
internal sealed record CliIo(TextReader In, TextWriter Out, TextWriter Error, bool ErrorIsTerminal)
{
    public static CliIo FromConsole() =>
        new(Console.In, Console.Out, Console.Error, !Console.IsErrorRedirected);
}
