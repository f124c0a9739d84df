using Haul.Actions;
using Haul.Errors;

namespace Haul.Cli.Output;

/// <summary>The one-line form of a failure: its kind, then the sentence, with nothing in it that could drive a terminal.</summary>
internal static class FailureLine
{
    public static string For(DownloadResult result) =>
        DisplayText.Safe(result.Error is { } error ? $"{error.Kind.ToName()}: {error.Message}" : $"failed: {result.Url}");

    public static string For(ActionOutcome outcome)
    {
        var kind = outcome.Kind is { } known ? known.ToName() : "failed";
        return DisplayText.Safe($"{outcome.Action} {kind}: {outcome.Message}");
    }
}
