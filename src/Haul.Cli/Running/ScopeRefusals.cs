using System.Runtime.CompilerServices;

namespace Haul.Cli.Running;

/// <summary>
/// Counts the pictures a crawl left out because of <c>--scope</c> (skipped results whose note says
/// so) and sums them up in one line per suggestion, so a too-narrow scope is never silent.
/// </summary>
internal sealed class ScopeRefusals
{
    // The note the crawler gives such a result: "outside --scope prefix; --scope host takes it".
    private const string NoteStart = "outside --scope ";
    private const string NoteEnd = " takes it";
    private readonly Dictionary<string, int> _counts = new(StringComparer.Ordinal);

    public async IAsyncEnumerable<DownloadResult> CountAsync(IAsyncEnumerable<DownloadResult> results, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var result in results.WithCancellation(cancellationToken))
        {
            if (result.Status == DownloadStatus.Skipped && result.Note is { } note && note.StartsWith(NoteStart, StringComparison.Ordinal) && note.EndsWith(NoteEnd, StringComparison.Ordinal))
            {
                var reason = note[..^NoteEnd.Length];
                _counts[reason] = _counts.GetValueOrDefault(reason) + 1;
            }

            yield return result;
        }
    }

    /// <summary>"22 pictures outside --scope prefix; --scope host takes them", one line per suggestion.</summary>
    public IEnumerable<string> Lines() => _counts
        .OrderByDescending(pair => pair.Value)
        .Select(pair => pair.Value == 1 ? $"1 picture {pair.Key} takes it" : $"{pair.Value} pictures {pair.Key} takes them");
}
