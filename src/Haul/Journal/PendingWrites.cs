using System.Collections.Concurrent;

namespace Haul.Journal;

/// <summary>
/// Rows queued for the batched writer but not committed yet, so that lookups read their own
/// writes (the same URL twice in a run, a duplicate of a file finished a moment ago). Holds only
/// the queue, never the whole table.
/// </summary>
internal sealed class PendingWrites<T>(Func<T, string> key, Func<T, string?> secondary)
    where T : class
{
    private readonly ConcurrentDictionary<string, T> _byKey = new(StringComparer.Ordinal);

    public void Add(T row) => _byKey[key(row)] = row;

    public T? FindByKey(string value) => _byKey.TryGetValue(value, out var row) ? row : null;

    public IEnumerable<T> FindBySecondary(string value) =>
        _byKey.Values.Where(row => string.Equals(secondary(row), value, StringComparison.Ordinal));

    /// <summary>Called after a batch is committed: forget the rows that have not been replaced since.</summary>
    public void Committed(IReadOnlyList<T> rows)
    {
        foreach (var row in rows)
        {
            _byKey.TryRemove(new KeyValuePair<string, T>(key(row), row));
        }
    }
}
