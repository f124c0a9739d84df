using System.CommandLine;

namespace Haul.Cli.Commands;

/// <summary>The flags that shape transfers, shared by <c>get</c>, <c>crawl</c> and <c>worker</c>: connections per file and bandwidth. Names follow aria2 and wget.</summary>
internal sealed class SpeedFlags
{
    public Option<int> Connections { get; } = NumberOptions.Whole("--connections", "-x", 1, DownloadOptions.MaxConnections, 1, "Connections per file: large files are fetched in pieces, in parallel (1-32).");

    public Option<string> MinSplitSize { get; } = new("--min-split-size") { Description = "Do not split a file into pieces smaller than this (e.g. 8M).", DefaultValueFactory = _ => "8M" };

    public Option<string?> LimitRate { get; } = new("--limit-rate", "--max-overall-download-limit") { Description = "Bandwidth cap for the whole run, shared by all transfers (e.g. 500K, 10M; 0: unlimited)." };

    public Option<string?> MaxDownloadLimit { get; } = new("--max-download-limit") { Description = "Bandwidth cap for each transfer on its own (e.g. 200K; 0: unlimited); an input file's max-download-limit= wins for its URL." };

    public void AddTo(Command command)
    {
        command.Options.Add(Connections);
        command.Options.Add(MinSplitSize);
        command.Options.Add(LimitRate);
        command.Options.Add(MaxDownloadLimit);
    }

    public DownloadOptions Apply(ParseResult parseResult, DownloadOptions options) => options with
    {
        Connections = parseResult.GetValue(Connections),
        MinSplitSize = ArgumentChecks.Size(parseResult.GetValue(MinSplitSize)!, "--min-split-size") is >= 1024 * 1024 and var split
            ? split
            : throw new UsageException("--min-split-size must be at least 1M."),
        RateLimit = ArgumentChecks.Rate(parseResult.GetValue(LimitRate), "--limit-rate"),
        PerFileRateLimit = ArgumentChecks.Rate(parseResult.GetValue(MaxDownloadLimit), "--max-download-limit"),
    };
}
