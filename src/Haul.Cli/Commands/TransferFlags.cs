using System.CommandLine;

namespace Haul.Cli.Commands;

/// <summary>
/// The flags that shape each transfer's tries, redirects, size and target, shared by <c>get</c>,
/// <c>crawl</c> and <c>worker</c>, spelled as wget and aria2 spell them.
/// </summary>
internal sealed class TransferFlags
{
    /// <summary>The most retries <c>-t 0</c> ("unlimited" in wget) stands for: a download that fails this often is not coming.</summary>
    public const int UnlimitedRetries = 100;

    public Option<bool> Continue { get; } = new("--continue", "-c") { Description = "Resume partly downloaded files (always on: accepted for wget and curl habits)." };

    public Option<int?> Tries { get; } = NumberOptions.OptionalWhole("--tries", 0, UnlimitedRetries + 1, "Total tries per file, the first included (wget): -t 1 is no retry, -t 0 the most (100 retries).", "-t");

    public Option<int> MaxRedirect { get; } = NumberOptions.Whole("--max-redirect", null, 0, 100, 10, "Redirects followed before a download fails with kind redirect.");

    public Option<double> RetryWait { get; } = NumberOptions.Seconds("--retry-wait", 0, 1, "Seconds before the first retry; each later one waits twice as long, with jitter (a server's Retry-After wins).");

    public Option<string?> MaxFileSize { get; } = new("--max-filesize") { Description = "Skip files larger than this (e.g. 100M): by Content-Length before the body, else stopped once passed; fails with kind scope." };

    public Option<bool> AllowOverwrite { get; } = new("--allow-overwrite") { Description = "Replace a file already at a target name (atomically) instead of adopting it or taking name.1.ext." };

    public IEnumerable<Option> All => [Continue, Tries, MaxRedirect, RetryWait, MaxFileSize, AllowOverwrite];

    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
    }

    /// <summary>
    /// The options with these flags applied. <c>-t/--tries</c> wins over <c>--retries</c> when both
    /// are given: a config file's <c>retries =</c> reaches the parser as a flag too, and the wget
    /// spelling typed on the command line is what the user means.
    /// </summary>
    public DownloadOptions Apply(ParseResult parseResult, DownloadOptions options)
    {
        if (parseResult.GetValue(Tries) is { } tries)
        {
            options = options with { Retries = tries == 0 ? UnlimitedRetries : tries - 1 };
        }

        if (parseResult.GetValue(AllowOverwrite) && options.NoClobber)
        {
            throw new UsageException("--allow-overwrite and -nc/--no-clobber contradict each other; pass one.");
        }

        var wait = TimeSpan.FromSeconds(parseResult.GetValue(RetryWait));
        return options with
        {
            MaxRedirects = parseResult.GetValue(MaxRedirect),
            RetryBaseDelay = wait,
            RetryMaxDelay = wait > options.RetryMaxDelay ? wait : options.RetryMaxDelay,
            MaxFileSize = parseResult.GetValue(MaxFileSize) is { } size ? ArgumentChecks.Size(size, "--max-filesize") : null,
            AllowOverwrite = parseResult.GetValue(AllowOverwrite),
        };
    }
}
