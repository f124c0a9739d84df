using System.Runtime.InteropServices;

namespace Haul.Storage;

/// <summary>
/// Hands out distinct target paths within one run: the first URL that maps to <c>a.jpg</c> keeps it,
/// the next gets <c>a.1.jpg</c>, in the order the requests were admitted. Paths are kept as 56-bit
/// hashes with a 40-bit tag of their holder (12 bytes an entry) and URLs as 96-bit keys with their
/// input line (16 bytes), packed in <see cref="OpenAddressTable{TEntry}"/>s, so that a run of
/// millions of files stays small in memory.
/// </summary>
internal sealed class NameReservations
{
    /// <summary>Taken paths (hash) with a tag of their holder's URL key; 0 when no URL is known.</summary>
    private readonly OpenAddressTable<TakenPath> _taken = new();
    private readonly Lock _lock = new();

    /// <summary>The URLs (with their place) planned in this run, by 96-bit digest, with the input line of the first.</summary>
    private readonly OpenAddressTable<PlannedUrl> _urls = new();

    /// <summary>The paths taken (for tests).</summary>
    internal int PathCount
    {
        get
        {
            lock (_lock)
            {
                return _taken.Count;
            }
        }
    }

    /// <summary>The URLs held (for tests).</summary>
    internal int UrlCount
    {
        get
        {
            lock (_lock)
            {
                return _urls.Count;
            }
        }
    }

    /// <summary>Reserves the first free alternative of <paramref name="name"/> in <paramref name="directory"/>.</summary>
    /// <param name="directory">The target directory.</param>
    /// <param name="name">A sanitized file name.</param>
    /// <param name="isFree">An extra test a candidate must pass (for example: nothing on disk there yet).</param>
    /// <param name="owner">The <see cref="UrlKey"/> of the URL the path is for, if known.</param>
    public string Reserve(string directory, string name, Func<string, bool>? isFree = null, UInt128? owner = null)
    {
        for (var index = 0; ; index++)
        {
            var candidate = Path.Combine(directory, FileNamer.WithIndex(name, index));
            var entry = new TakenPath(Hash(candidate), OwnerTag(owner));
            lock (_lock)
            {
                if (_taken.TryGet(entry, out _) || (isFree is not null && !isFree(candidate)))
                {
                    continue;
                }

                _taken.TryAdd(entry, out _);
                return candidate;
            }
        }
    }

    /// <summary>
    /// Marks <paramref name="path"/> as taken by <paramref name="owner"/>, as a journal-known target
    /// that keeps its name. False when another URL of this run holds it already: two URLs never
    /// share a file, so the caller plans this one under a new name. The same URL planned again (a
    /// redelivery after a failure) gets its own path back.
    /// </summary>
    public bool ReserveExact(string path, UInt128 owner)
    {
        var entry = new TakenPath(Hash(path), OwnerTag(owner));
        lock (_lock)
        {
            if (!_taken.TryAdd(entry, out var holder))
            {
                return holder.Owner != 0 && holder.Owner == entry.Owner;
            }

            return true;
        }
    }

    /// <summary>
    /// Reserves a URL and its place for one transfer: false, with the first one's input line, when
    /// this run already has it (running, or done). A transfer that fails gives it back
    /// (<see cref="ReleaseUrl"/>), so a later request for it (a queue's redelivery) runs again.
    /// </summary>
    public bool TryReserveUrl(UInt128 key, int? line, out int? firstLine)
    {
        lock (_lock)
        {
            if (_urls.TryAdd(new PlannedUrl(key, line), out var first))
            {
                firstLine = null;
                return true;
            }

            firstLine = first.Line;
            return false;
        }
    }

    public void ReleaseUrl(UInt128 key)
    {
        lock (_lock)
        {
            _urls.Remove(new PlannedUrl(key, null));
        }
    }

    /// <summary>The key of a URL in a directory under a fixed name (or none): SHA-256, first 128 bits, so collisions never happen in practice.</summary>
    public static UInt128 UrlKey(string url, string directory, string? fixedName)
    {
        var digest = System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes($"{url}\n{directory}\n{fixedName}"));
        return new UInt128(BitConverter.ToUInt64(digest, 0), BitConverter.ToUInt64(digest, 8));
    }

    // 0 stands for "no URL known", so a real key never maps to it. 40 bits of the key: two URLs
    // that would share a path and agree in them (one chance in 10^12 per such pair) would both get it.
    private static ulong OwnerTag(UInt128? owner) => owner is { } key ? Math.Max((ulong)key & TakenPath.OwnerMask, 1UL) : 0;

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

    /// <summary>
    /// A taken path: 12 bytes, 56 bits of the path's hash and 40 of its holder's URL key. Two
    /// paths of a run that agree in 56 bits look like one (the later gets a spare ".1"): about one
    /// chance in 1,400 at ten million paths.
    /// </summary>
    [StructLayout(LayoutKind.Sequential, Pack = 4)]
    private readonly struct TakenPath : ITableEntry<TakenPath>
    {
        public const ulong OwnerMask = (1UL << 40) - 1;

        // The path's hash in the upper 56 bits, the owner's top 8 in the lower 8; its low 32 apart.
        private readonly ulong _pathAndOwnerHigh;
        private readonly uint _ownerLow;

        public TakenPath(ulong pathHash, ulong owner)
        {
            // FNV's upper bits depend on more of the path than its lower ones: the top 56 are kept.
            // 0 marks a free slot of the table, so a path hashing to 0 is kept as 1 (one more harmless collision).
            var path = Math.Max(pathHash >> 8, 1UL);
            _pathAndOwnerHigh = (path << 8) | ((owner & OwnerMask) >> 32);
            _ownerLow = (uint)owner;
        }

        public ulong Owner => ((_pathAndOwnerHigh & 0xFF) << 32) | _ownerLow;

        public ulong Hash => _pathAndOwnerHigh >> 8;

        public bool IsEmpty => _pathAndOwnerHigh == 0;

        public bool SameKey(in TakenPath other) => other._pathAndOwnerHigh >> 8 == _pathAndOwnerHigh >> 8;
    }

    /// <summary>
    /// A URL of the run with the input line of its first request: 16 bytes, 96 of the key's bits
    /// and the line. Two of a run's URLs that agree in those 96 bits would share a plan: about one
    /// chance in 10^13 at a hundred million URLs.
    /// </summary>
    private readonly struct PlannedUrl : ITableEntry<PlannedUrl>
    {
        private const int NoLine = int.MinValue;

        private readonly ulong _low;
        private readonly uint _high;
        private readonly int _line;

        public PlannedUrl(UInt128 key, int? line)
        {
            _low = (ulong)key;
            _high = (uint)(key >> 64);

            // The all-zero entry marks a free slot; a key whose 96 kept bits are zero stands in as 1 (never met in practice).
            if (_low == 0 && _high == 0)
            {
                _low = 1;
            }

            _line = line ?? NoLine;
        }

        public int? Line => _line == NoLine ? null : _line;

        public ulong Hash => _low ^ _high;

        public bool IsEmpty => _low == 0 && _high == 0;

        public bool SameKey(in PlannedUrl other) => other._low == _low && other._high == _high;
    }
}
