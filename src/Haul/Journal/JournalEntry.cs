namespace Haul.Journal;

/// <summary>What the journal knows of one URL in one output directory.</summary>
public sealed record JournalEntry
{
    /// <summary>The URL as requested; the key.</summary>
    public required string Url { get; init; }

    /// <summary>The target path, relative to the output directory.</summary>
    public required string Path { get; init; }

    /// <summary>Where the request stands.</summary>
    public required JournalState State { get; init; }

    /// <summary>The size of the saved file.</summary>
    public long? Size { get; init; }

    /// <summary>SHA-256 of the saved file, lower-case hex.</summary>
    public string? Sha256 { get; init; }

    /// <summary>The ETag the server sent with the body.</summary>
    public string? ETag { get; init; }

    /// <summary>The Last-Modified date the server sent with the body.</summary>
    public DateTimeOffset? LastModified { get; init; }

    /// <summary>HTTP attempts made by the last run that worked on it.</summary>
    public int Attempts { get; init; }

    /// <summary>The error kind of the last failure (<c>http</c>, <c>dns</c>, …).</summary>
    public string? ErrorKind { get; init; }

    /// <summary>The message of the last failure.</summary>
    public string? Error { get; init; }

    /// <summary>The post-download actions' outcomes, as a JSON array.</summary>
    public string? Actions { get; init; }

    /// <summary>When this entry last changed.</summary>
    public DateTimeOffset UpdatedAt { get; init; }
}
