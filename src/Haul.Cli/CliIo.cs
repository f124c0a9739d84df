namespace Haul.Cli;

/// <summary>Where the CLI reads and writes; the real console in production, strings in tests.</summary>
internal sealed record CliIo(TextReader In, TextWriter Out, TextWriter Error, bool ErrorIsTerminal)
{
    /// <summary>
    /// The environment variables the CLI reads (proxies, <c>HOME</c> for the config file and
    /// <c>.netrc</c>). Empty unless set: only the real console passes the process environment.
    /// </summary>
    public Func<string, string?> Environment { get; init; } = _ => null;

    /// <summary>Cancelled when nobody reads <see cref="Out"/> any more (the other end of a pipe closed).</summary>
    public CancellationToken OutputClosed { get; init; }

    /// <remarks>
    /// Stdin is read through its stream, not <see cref="Console.In"/>: the latter reads lines
    /// synchronously even when asked asynchronously, which would block a run until input arrives.
    /// </remarks>
    public static CliIo FromConsole() =>
        new(new StreamReader(Console.OpenStandardInput()), Console.Out, Console.Error, !Console.IsErrorRedirected)
        {
            Environment = System.Environment.GetEnvironmentVariable,
            OutputClosed = StdoutWatch.ClosedToken(),
        };
}
