namespace Haul.Cli.Serve;

/// <summary>How the daemon listens and whom it answers.</summary>
internal sealed record ServeSettings
{
    /// <summary>aria2's limit on a request body; a larger one is refused before it is read.</summary>
    public const int DefaultMaxRequestSize = 2 * 1024 * 1024;

    public int Port { get; init; } = 6800;

    public bool ListenAll { get; init; }

    public string? Secret { get; init; }

    public bool AllowOriginAll { get; init; }

    public int MaxRequestSize { get; init; } = DefaultMaxRequestSize;
}
