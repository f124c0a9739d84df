using Haul.Errors;

namespace Haul.Serving;

/// <summary>A daemon download at one moment, for replies and pages.</summary>
/// <param name="Gid">Its 16-hex-digit id.</param>
/// <param name="Url">The URL as added (any password masked).</param>
/// <param name="State">Where it stands.</param>
/// <param name="TotalLength">The file's length in bytes, 0 while unknown.</param>
/// <param name="CompletedLength">Bytes on disk so far.</param>
/// <param name="Speed">Bytes per second over the last sample, 0 unless active.</param>
/// <param name="Path">The file's full path, once chosen.</param>
/// <param name="ErrorKind">Why it failed (Haul's kind), when it did.</param>
/// <param name="ErrorCode">aria2's exit code for that failure, 0 otherwise.</param>
/// <param name="ErrorMessage">The failure's message.</param>
/// <param name="Options">The aria2-named options it was added with.</param>
internal sealed record ServedSnapshot(
    string Gid,
    string Url,
    ServedState State,
    long TotalLength,
    long CompletedLength,
    long Speed,
    string? Path,
    ErrorKind? ErrorKind,
    int ErrorCode,
    string? ErrorMessage,
    IReadOnlyDictionary<string, string> Options);
