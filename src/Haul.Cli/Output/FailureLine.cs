using Haul.Errors;

namespace Haul.Cli.Output;

/// <summary>The one-line form of a failure: its kind, then the sentence.</summary>
internal static class FailureLine
{
    public static string For(DownloadResult result) =>
        result.Error is { } error ? $"{error.Kind.ToName()}: {error.Message}" : $"failed: {result.Url}";

    public static string For(Actions.ActionOutcome outcome)
    {
        var kind = outcome.Kind is { } known ? known.ToName() : "failed";
        return $"{outcome.Action} {kind}: {outcome.Message}";
    }
}
