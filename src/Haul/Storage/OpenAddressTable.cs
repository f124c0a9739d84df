namespace Haul.Storage;

/// <summary>
/// A set of small fixed-size entries by key, as compact as a run of millions of them needs: entries
/// sit in plain arrays (no per-entry hash code, link or object), found by linear probing. The
/// entries are spread over many segments, each its own small array that grows on its own, so a
/// growth copies a few kilobytes and leaves a few kilobytes of garbage for a young collection,
/// never two large arrays alive at once on the large-object heap. Not thread-safe.
/// </summary>
/// <typeparam name="TEntry">The entry type; <c>default</c> is a free slot.</typeparam>
internal sealed class OpenAddressTable<TEntry>
    where TEntry : struct, ITableEntry<TEntry>
{
    /// <summary>1,024 segments: 200,000 entries fill each to about 200, a few kilobytes.</summary>
    private const int SegmentBits = 10;
    private const int FirstCapacity = 8;

    private readonly TEntry[]?[] _segments = new TEntry[1 << SegmentBits][];
    private readonly int[] _counts = new int[1 << SegmentBits];

    public int Count { get; private set; }

    /// <summary>The slots allocated over all segments (for tests: entries plus the free slots kept for probing).</summary>
    public long Capacity
    {
        get
        {
            long capacity = 0;
            foreach (var segment in _segments)
            {
                capacity += segment?.Length ?? 0;
            }

            return capacity;
        }
    }

    /// <summary>The stored entry with the key of <paramref name="probe"/>, if any.</summary>
    public bool TryGet(in TEntry probe, out TEntry existing)
    {
        var hash = Mix(probe.Hash);
        var segment = _segments[SegmentOf(hash)];
        var slot = segment is null ? -1 : Find(segment, probe, hash);
        if (slot >= 0)
        {
            existing = segment![slot];
            return true;
        }

        existing = default;
        return false;
    }

    /// <summary>Adds <paramref name="entry"/>; false, with the stored one, when its key is there already.</summary>
    public bool TryAdd(in TEntry entry, out TEntry existing)
    {
        if (entry.IsEmpty)
        {
            throw new ArgumentException("An empty entry cannot be stored.", nameof(entry));
        }

        var hash = Mix(entry.Hash);
        var index = SegmentOf(hash);
        var segment = _segments[index] ??= new TEntry[FirstCapacity];
        var slot = Find(segment, entry, hash);
        if (slot >= 0)
        {
            existing = segment[slot];
            return false;
        }

        // At most 7/8 full, so that a probe for a missing key ends within a few slots.
        if ((_counts[index] + 1) * 8 > segment.Length * 7)
        {
            segment = _segments[index] = Grown(segment);
        }

        segment[FreeSlot(segment, hash)] = entry;
        _counts[index]++;
        Count++;
        existing = default;
        return true;
    }

    /// <summary>Removes the entry with the key of <paramref name="probe"/>; false when there is none.</summary>
    public bool Remove(in TEntry probe)
    {
        var hash = Mix(probe.Hash);
        var index = SegmentOf(hash);
        var segment = _segments[index];
        var hole = segment is null ? -1 : Find(segment, probe, hash);
        if (hole < 0)
        {
            return false;
        }

        // Backward shift: later entries of the same run move up into the hole when their home slot
        // allows it, so no probe ever stops early at a free slot (no tombstones to clean up).
        var mask = segment!.Length - 1;
        var next = hole;
        while (true)
        {
            next = (next + 1) & mask;
            if (segment[next].IsEmpty)
            {
                break;
            }

            var home = HomeSlot(Mix(segment[next].Hash), mask);
            var staysPut = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!staysPut)
            {
                segment[hole] = segment[next];
                hole = next;
            }
        }

        segment[hole] = default;
        _counts[index]--;
        Count--;
        return true;
    }

    private static int Find(TEntry[] segment, in TEntry probe, ulong hash)
    {
        var mask = segment.Length - 1;
        for (var slot = HomeSlot(hash, mask); ; slot = (slot + 1) & mask)
        {
            ref readonly var entry = ref segment[slot];
            if (entry.IsEmpty)
            {
                return -1;
            }

            if (entry.SameKey(probe))
            {
                return slot;
            }
        }
    }

    private static int FreeSlot(TEntry[] segment, ulong hash)
    {
        var mask = segment.Length - 1;
        var slot = HomeSlot(hash, mask);
        while (!segment[slot].IsEmpty)
        {
            slot = (slot + 1) & mask;
        }

        return slot;
    }

    private static TEntry[] Grown(TEntry[] segment)
    {
        var grown = new TEntry[segment.Length * 2];
        foreach (var entry in segment)
        {
            if (!entry.IsEmpty)
            {
                grown[FreeSlot(grown, Mix(entry.Hash))] = entry;
            }
        }

        return grown;
    }

    // The top bits choose the segment, the low bits the slot in it: independent parts of the mix.
    private static int SegmentOf(ulong hash) => (int)(hash >> (64 - SegmentBits));

    private static int HomeSlot(ulong hash, int mask) => (int)hash & mask;

    // A 64-bit finalizer (xor-shift-multiply) so that keys that differ in few bits, or hashes
    // with weak low bits, still spread over segments and slots.
    private static ulong Mix(ulong hash)
    {
        hash ^= hash >> 33;
        hash *= 0xff51afd7ed558ccdUL;
        hash ^= hash >> 33;
        hash *= 0xc4ceb9fe1a85ec53UL;
        hash ^= hash >> 33;
        return hash;
    }
}
