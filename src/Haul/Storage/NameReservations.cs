namespace Haul.Storage;

/// <summary>
/// Hands out distinct target paths within one run: the first URL that maps to <c>a.jpg</c> keeps it,
/// the next gets <c>a.1.jpg</c>, in the order the requests were admitted. Paths are kept as 64-bit
/// hashes so that a run of millions of files stays small in memory.
/// </summary>
internal sealed class NameReservations
{
    private readonly HashSet<ulong> _taken = [];
    private readonly Lock _lock = new();

    /// <summary>Reserves the first free alternative of <paramref name="name"/> in <paramref name="directory"/>.</summary>
    /// <param name="directory">The target directory.</param>
    /// <param name="name">A sanitized file name.</param>
    /// <param name="isFree">An extra test a candidate must pass (for example: nothing on disk there yet).</param>
    public string Reserve(string directory, string name, Func<string, bool>? isFree = null)
    {
        for (var index = 0; ; index++)
        {
            var candidate = Path.Combine(directory, FileNamer.WithIndex(name, index));
            lock (_lock)
            {
                if (_taken.Contains(Hash(candidate)) || (isFree is not null && !isFree(candidate)))
                {
                    continue;
                }

                _taken.Add(Hash(candidate));
                return candidate;
            }
        }
    }

    /// <summary>Marks <paramref name="path"/> as taken, as a journal-known target that keeps its name.</summary>
    public void ReserveExact(string path)
    {
        lock (_lock)
        {
            _taken.Add(Hash(path));
        }
    }

    // FNV-1a over the UTF-16 code units: stable, cheap, and collisions are harmless (a spare ".1").
    private static ulong Hash(string path)
    {
        var hash = 14695981039346656037UL;
        foreach (var c in path)
        {
            hash = (hash ^ c) * 1099511628211UL;
        }

        return hash;
    }
}
