using System.CommandLine;

namespace Haul.Cli.Commands;

/// <summary>
/// The flags of every request's attempts, shared by <c>get</c>, <c>crawl</c> and <c>worker</c>: they mean
/// the same for a file, a crawl page, a stylesheet and a robots.txt.
/// </summary>
internal sealed class AttemptFlags
{
    public Option<int> Retries { get; } = NumberOptions.Whole("--retries", null, 0, 100, 5, "Attempts after the first, for transient faults.");

    public Option<double> Timeout { get; } = NumberOptions.Seconds("--timeout", 0.1, 60, "Idle timeout in seconds: no byte for this long fails the attempt.", "-T");

    public Option<double> ConnectTimeout { get; } = NumberOptions.Seconds("--connect-timeout", 0.1, 20, "Connect timeout in seconds.");

    public void AddTo(Command command)
    {
        command.Options.Add(Retries);
        command.Options.Add(Timeout);
        command.Options.Add(ConnectTimeout);
    }

    /// <summary>The options with these flags applied; <see cref="TransferFlags"/> comes after, so that <c>-t/--tries</c> wins.</summary>
    public DownloadOptions Apply(ParseResult parseResult, DownloadOptions options) => options with
    {
        Retries = parseResult.GetValue(Retries),
        IdleTimeout = TimeSpan.FromSeconds(parseResult.GetValue(Timeout)),
        ConnectTimeout = TimeSpan.FromSeconds(parseResult.GetValue(ConnectTimeout)),
    };
}
