namespace Haul.Actions;

/// <summary>
/// One step run on a finished file, after it is at its final name. Actions run on their own
/// bounded queue, so a slow one never holds a transfer slot; a failed action never fails the download.
/// </summary>
internal interface IPostDownloadAction
{
    /// <summary>The name shown in results: <c>extract</c>, <c>on-complete</c>.</summary>
    string Name { get; }

    /// <summary>Runs the action. Expected failures become a failed outcome, not an exception.</summary>
    Task<ActionOutcome> RunAsync(CompletedFile file, CancellationToken cancellationToken);
}
