namespace Haul;

/// <summary>Every knob of a download run. The defaults follow the <c>haul get</c> defaults.</summary>
public sealed record DownloadOptions
{
    /// <summary>The output directory; created if missing. Nothing is ever written outside it.</summary>
    public string Directory { get; init; } = ".";

    /// <summary>Downloads in flight at once (<c>-j</c>).</summary>
    public int MaxConcurrent { get; init; } = 16;

    /// <summary>Connections to one host at once.</summary>
    public int MaxPerHost { get; init; } = 8;

    /// <summary>Attempts after the first, for transient faults.</summary>
    public int Retries { get; init; } = 5;

    /// <summary>No byte received for this long fails the attempt.</summary>
    public TimeSpan IdleTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a TCP (and TLS) connect may take.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(20);

    /// <summary>Redirects followed before the download fails with kind <c>redirect</c>.</summary>
    public int MaxRedirects { get; init; } = 10;

    /// <summary>The first backoff delay; it doubles with each attempt, with jitter.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>The longest backoff delay Haul picks by itself.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>The longest <c>Retry-After</c> honoured; a server asking for more fails the download.</summary>
    public TimeSpan MaxRetryAfter { get; init; } = TimeSpan.FromMinutes(10);

    /// <summary>The <c>User-Agent</c> header.</summary>
    public string UserAgent { get; init; } = $"haul/{typeof(DownloadOptions).Assembly.GetName().Version?.ToString(3)}";

    /// <summary>Headers, Referer, cookies, credentials, proxies and TLS trust for every request.</summary>
    public Http.HttpOptions Http { get; init; } = new();

    /// <summary>
    /// Connections one large file may use at once (<c>-x</c>, 1 to 32). A file is split only when the
    /// server takes ranges, the size is known and at least twice <see cref="MinSplitSize"/>, and a
    /// validator (ETag or Last-Modified) can guard every piece.
    /// </summary>
    public int Connections { get; init; } = 1;

    /// <summary>No file is split into pieces smaller than this (<c>--min-split-size</c>).</summary>
    public long MinSplitSize { get; init; } = 8L * 1024 * 1024;

    /// <summary>The overall bandwidth in bytes per second, shared by every transfer of the downloader's runs (<c>--limit-rate</c>); null: unlimited. <see cref="Downloader.SetRateLimit"/> changes it while they run.</summary>
    public long? RateLimit { get; init; }

    /// <summary>Each transfer's own bandwidth in bytes per second (<c>--max-download-limit</c>), on top of <see cref="RateLimit"/>; null: unlimited. An input file's <c>max-download-limit=</c> overrides it for its URL.</summary>
    public long? PerFileRateLimit { get; init; }

    /// <summary>
    /// The largest file fetched (<c>--max-filesize</c>); null: no limit. A larger <c>Content-Length</c>
    /// fails the download before its body is read; a body without one is stopped once it passes the
    /// limit. Either way the <c>.part</c> is removed and the failure has kind <c>scope</c>.
    /// </summary>
    public long? MaxFileSize { get; init; }

    /// <summary>
    /// Replace a file already at a target name (<c>--allow-overwrite</c>, as aria2): a file the journal
    /// does not know is fetched again and replaced atomically, never adopted; and a name held by a
    /// file is reused instead of taking <c>name.1.ext</c>. A symbolic link at the name is still refused.
    /// </summary>
    public bool AllowOverwrite { get; init; }

    /// <summary>Size of the pooled buffer each transfer reads into.</summary>
    public int BufferSize { get; init; } = 64 * 1024;

    /// <summary>
    /// Keep the durable journal (<c>DIR/.haul/journal.db</c>): re-runs skip what is done without a
    /// request, and a killed run resumes where it stopped.
    /// </summary>
    public bool UseJournal { get; init; } = true;

    /// <summary>For files the journal has as done: ask the server whether they changed (304: skipped, 200: replaced).</summary>
    public bool CheckUpdates { get; init; }

    /// <summary>
    /// Keep every file already at a target untouched and report it skipped ("exists"), as wget's
    /// <c>--no-clobber</c>. Off: a file the journal does not know is kept only when the server
    /// confirms its length, and is otherwise fetched again and replaced atomically.
    /// </summary>
    public bool NoClobber { get; init; }

    /// <summary>A download archive shared across runs and directories: a URL in it is skipped before any request.</summary>
    public string? ArchivePath { get; init; }

    /// <summary>Do not store a second copy of content already downloaded (hard link, or a note naming the first copy).</summary>
    public bool Dedupe { get; init; }

    /// <summary>Unpack <c>.zip</c>, <c>.tar</c>, <c>.tar.gz</c> and <c>.tgz</c> files beside themselves, within these limits; null: off.</summary>
    public Actions.ExtractOptions? Extract { get; init; }

    /// <summary>A program to run for each finished file (no shell), with <c>{path}</c>, <c>{url}</c> and <c>{sha256}</c> placeholders.</summary>
    public string? OnComplete { get; init; }

    /// <summary>Post-download actions run at once, beside the transfers.</summary>
    public int MaxConcurrentActions { get; init; } = Math.Max(2, Environment.ProcessorCount);

    /// <summary>
    /// Where the engine logs what happens: requests, replies and redirects at Debug, their headers
    /// (credentials masked) at Trace, results at Information, retries and failures at Warning.
    /// Null: no logging. Haul never writes to the console itself.
    /// </summary>
    public Microsoft.Extensions.Logging.ILogger? Logger { get; init; }

    /// <summary>The most connections <see cref="Connections"/> allows.</summary>
    public const int MaxConnections = 32;

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrent, 1, nameof(MaxConcurrent));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxPerHost, 1, nameof(MaxPerHost));
        ArgumentOutOfRangeException.ThrowIfNegative(Retries, nameof(Retries));
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRedirects, nameof(MaxRedirects));
        ArgumentOutOfRangeException.ThrowIfLessThan(BufferSize, 1024, nameof(BufferSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(Connections, 1, nameof(Connections));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(Connections, MaxConnections, nameof(Connections));
        ArgumentOutOfRangeException.ThrowIfLessThan(MinSplitSize, 1024 * 1024, nameof(MinSplitSize));
        if (RateLimit is { } rate)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(rate, 1, nameof(RateLimit));
        }

        if (PerFileRateLimit is { } perFile)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(perFile, 1, nameof(PerFileRateLimit));
        }

        if (MaxFileSize is { } maxFileSize)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(maxFileSize, 1, nameof(MaxFileSize));
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(RetryBaseDelay, TimeSpan.Zero, nameof(RetryBaseDelay));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentActions, 1, nameof(MaxConcurrentActions));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(IdleTimeout, TimeSpan.Zero, nameof(IdleTimeout));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ConnectTimeout, TimeSpan.Zero, nameof(ConnectTimeout));
    }
}
