using Haul.Actions;
using Haul.Errors;

namespace Haul.Cli.Output;

/// <summary>The one-line form of a failure: its kind, then the sentence, with nothing in it that could drive a terminal.</summary>
internal static class FailureLine
{
    /// <summary>A crawl page's line starts with <c>page</c>: it names no file that is missing.</summary>
    public static string For(DownloadResult result)
    {
        var line = result.Error is { } error ? $"{error.Kind.ToName()}: {error.Message}" : $"failed: {result.Url}";
        return DisplayText.Safe(result.Kind == ResultKind.Page ? $"page {line}" : line);
    }

    public static string For(ActionOutcome outcome)
    {
        var kind = outcome.Kind is { } known ? known.ToName() : "failed";
        return DisplayText.Safe($"{outcome.Action} {kind}: {outcome.Message}");
    }
}
