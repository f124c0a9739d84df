using Haul.Errors;

namespace Haul.Actions;

/// <summary>What one post-download action did with a finished file.</summary>
/// <param name="Action">The action's name: <c>verify</c>, <c>extract</c>, <c>on-complete</c>.</param>
/// <param name="Succeeded">Whether it did its job.</param>
/// <param name="Message">One human sentence: what was done, or why it failed.</param>
public sealed record ActionOutcome(string Action, bool Succeeded, string Message)
{
    /// <summary>The kind of failure (for example <c>scope</c> for an archive entry that would escape its folder).</summary>
    public ErrorKind? Kind { get; init; }

    /// <summary>The exit code of a hook program.</summary>
    public int? ExitCode { get; init; }
}
