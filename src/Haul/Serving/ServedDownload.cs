using Haul.Errors;

namespace Haul.Serving;

/// <summary>One download of the daemon's table: live, mutable, guarded by the table's lock.</summary>
internal sealed class ServedDownload(string gid, string url, IReadOnlyDictionary<string, string> options, DownloadRequest request)
{
    public string Gid { get; } = gid;

    public string Url { get; } = url;

    /// <summary>The aria2-named options it was added with, as given (validated).</summary>
    public IReadOnlyDictionary<string, string> Options { get; set; } = options;

    public DownloadRequest Request { get; set; } = request;

    public ServedState State { get; set; } = ServedState.Waiting;

    /// <summary>Its number in the engine's run once fed to it; 0 before.</summary>
    public long EngineId { get; set; }

    /// <summary>The position last written to the journal (null: not written yet).</summary>
    public long? SavedPosition { get; set; }

    /// <summary>Paused inside the engine (it keeps its name and goes on from its <c>.part</c> when resumed).</summary>
    public bool HeldByEngine { get; set; }

    public long TotalLength { get; set; }

    public long CompletedLength { get; set; }

    public long Speed { get; set; }

    /// <summary>Bytes at the last speed sample.</summary>
    public long SampledLength { get; set; }

    /// <summary>Handed to the engine's run (it has or will get an engine id).</summary>
    public bool Fed { get; set; }

    /// <summary>Written to the feed and not read from it yet.</summary>
    public bool InFeed { get; set; }

    /// <summary>A pause (<see cref="ServedState.Paused"/>) or remove asked for before the engine numbered it, done at its next event.</summary>
    public ServedState? PendingEngineCall { get; set; }

    public string? Path { get; set; }

    public ErrorKind? ErrorKind { get; set; }

    public int ErrorCode { get; set; }

    public string? ErrorMessage { get; set; }

    public bool IsStopped => State is ServedState.Error or ServedState.Complete or ServedState.Removed;

    public ServedSnapshot Snapshot() => new(Gid, Url, State, TotalLength, CompletedLength, State == ServedState.Active ? Speed : 0, Path, ErrorKind, ErrorCode, ErrorMessage, Options);
}
