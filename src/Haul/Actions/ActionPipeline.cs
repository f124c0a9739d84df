using Haul.Errors;

namespace Haul.Actions;

/// <summary>
/// Runs the post-download actions of a finished file, in order, with at most a few files in the
/// pipeline at once. It runs after the transfer has given back its slots, so a slow action holds
/// no connection; the scheduler's admission window bounds what waits here.
/// </summary>
internal sealed class ActionPipeline(IReadOnlyList<IPostDownloadAction> actions, int concurrency) : IDisposable
{
    private readonly SemaphoreSlim _slots = new(concurrency, concurrency);

    public bool IsEmpty => actions.Count == 0;

    public async Task<DownloadResult> RunAsync(DownloadResult result, CancellationToken cancellationToken)
    {
        if (IsEmpty || result.Status != DownloadStatus.Ok || result.Path is null || result.Sha256 is null)
        {
            return result;
        }

        var outcomes = new List<ActionOutcome>(result.Actions);
        var file = new CompletedFile(result.Url, result.Path, result.Sha256, result.Bytes);
        try
        {
            await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
            try
            {
                foreach (var action in actions)
                {
                    outcomes.Add(await action.RunAsync(file, cancellationToken).ConfigureAwait(false));
                }
            }
            finally
            {
                _slots.Release();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The file is complete; only the actions still to come were stopped.
            outcomes.AddRange(actions.Skip(outcomes.Count - result.Actions.Count).Select(action =>
                new ActionOutcome(action.Name, false, $"Interrupted before {action.Name} ran on {result.Path}.") { Kind = ErrorKind.Cancelled }));
        }

        return result with { Actions = outcomes };
    }

    public void Dispose() => _slots.Dispose();
}
