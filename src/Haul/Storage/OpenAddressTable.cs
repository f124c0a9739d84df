namespace Haul.Storage;

/// <summary>
/// A set of small fixed-size entries by key, as compact as a run of millions of them needs: entries
/// sit in plain arrays (no per-entry hash code, link or object), found by linear probing. The
/// arrays are segments of a few kilobytes under a directory indexed by the top bits of the hash
/// (extendible hashing): a full segment splits in two, the new half in a new array of the same
/// size and the old array kept, so growing leaves no garbage behind (a doubling hash table leaves
/// its old arrays, half of all it ever held, for a full collection to find).
/// Not thread-safe.
/// </summary>
/// <typeparam name="TEntry">The entry type; <c>default</c> is a free slot.</typeparam>
internal sealed class OpenAddressTable<TEntry>
    where TEntry : struct, ITableEntry<TEntry>
{
    /// <summary>Slots per segment: 4-5 KiB of 16- or 20-byte entries, well under the large-object heap.</summary>
    private const int SegmentSlots = 256;

    /// <summary>Directory depth at most: beyond it (keys whose hashes agree in 24 top bits) a segment grows instead.</summary>
    private const int MaxDepth = 24;

    private Segment[] _directory = [new Segment(new TEntry[SegmentSlots], 0)];
    private int _depth;
    private TEntry[]? _scratch;

    public int Count { get; private set; }

    /// <summary>The slots allocated over all segments (for tests: entries plus the free slots kept for probing).</summary>
    public long Capacity
    {
        get
        {
            // The entries that share a segment are one contiguous range of the directory.
            long capacity = 0;
            for (var i = 0; i < _directory.Length; i++)
            {
                if (i == 0 || !ReferenceEquals(_directory[i], _directory[i - 1]))
                {
                    capacity += _directory[i].Entries.Length;
                }
            }

            return capacity;
        }
    }

    /// <summary>The stored entry with the key of <paramref name="probe"/>, if any.</summary>
    public bool TryGet(in TEntry probe, out TEntry existing)
    {
        var hash = Mix(probe.Hash);
        var entries = SegmentOf(hash).Entries;
        var slot = Find(entries, probe, hash);
        existing = slot >= 0 ? entries[slot] : default;
        return slot >= 0;
    }

    /// <summary>Adds <paramref name="entry"/>; false, with the stored one, when its key is there already.</summary>
    public bool TryAdd(in TEntry entry, out TEntry existing)
    {
        if (entry.IsEmpty)
        {
            throw new ArgumentException("An empty entry cannot be stored.", nameof(entry));
        }

        var hash = Mix(entry.Hash);
        var segment = SegmentOf(hash);
        var slot = Find(segment.Entries, entry, hash);
        if (slot >= 0)
        {
            existing = segment.Entries[slot];
            return false;
        }

        // At most 7/8 full, so that a probe for a missing key ends within a few slots.
        if (IsFull(segment))
        {
            segment = MakeRoom(segment, hash);
        }

        segment.Entries[FreeSlot(segment.Entries, hash)] = entry;
        segment.Count++;
        Count++;
        existing = default;
        return true;
    }

    /// <summary>Removes the entry with the key of <paramref name="probe"/>; false when there is none.</summary>
    public bool Remove(in TEntry probe)
    {
        var hash = Mix(probe.Hash);
        var segment = SegmentOf(hash);
        var entries = segment.Entries;
        var hole = Find(entries, probe, hash);
        if (hole < 0)
        {
            return false;
        }

        // Backward shift: later entries of the same run move up into the hole when their home slot
        // allows it, so no probe ever stops early at a free slot (no tombstones to clean up).
        var mask = entries.Length - 1;
        var next = hole;
        while (true)
        {
            next = (next + 1) & mask;
            if (entries[next].IsEmpty)
            {
                break;
            }

            var home = HomeSlot(Mix(entries[next].Hash), mask);
            var staysPut = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!staysPut)
            {
                entries[hole] = entries[next];
                hole = next;
            }
        }

        entries[hole] = default;
        segment.Count--;
        Count--;
        return true;
    }

    private static bool IsFull(Segment segment) => (segment.Count + 1) * 8 > segment.Entries.Length * 7;

    /// <summary>Splits the full segment where <paramref name="hash"/> goes, or grows it when splitting cannot help; the segment for the hash now.</summary>
    private Segment MakeRoom(Segment segment, ulong hash)
    {
        if (segment.Depth < MaxDepth)
        {
            Split(segment, hash);
            segment = SegmentOf(hash);
            if (!IsFull(segment))
            {
                return segment;
            }
        }

        // Every entry stayed on the side of the new one: their hashes agree in all the top bits
        // used so far. This one segment doubles (a rare case, never the way a run grows).
        var grown = new TEntry[segment.Entries.Length * 2];
        foreach (var entry in segment.Entries)
        {
            if (!entry.IsEmpty)
            {
                grown[FreeSlot(grown, Mix(entry.Hash))] = entry;
            }
        }

        segment.Entries = grown;
        return segment;
    }

    private void Split(Segment segment, ulong hash)
    {
        if (segment.Depth == _depth)
        {
            // The directory doubles (pointers only): each entry becomes two for the same segment.
            var doubled = new Segment[_directory.Length * 2];
            for (var i = 0; i < _directory.Length; i++)
            {
                doubled[2 * i] = doubled[2 * i + 1] = _directory[i];
            }

            _directory = doubled;
            _depth++;
        }

        // The segment covers 2^(depth - its depth) directory entries in a row; the upper half goes to the sibling.
        var span = 1 << (_depth - segment.Depth);
        var start = (DirectoryIndex(hash) >> (_depth - segment.Depth)) << (_depth - segment.Depth);
        var sibling = new Segment(new TEntry[segment.Entries.Length], segment.Depth + 1);
        segment.Depth++;
        for (var i = start + span / 2; i < start + span; i++)
        {
            _directory[i] = sibling;
        }

        // Each entry goes where the next bit of its hash says, at the same home slot (the low bits).
        var entries = segment.Entries;
        if (_scratch is null || _scratch.Length < entries.Length)
        {
            _scratch = new TEntry[entries.Length];
        }

        Array.Copy(entries, _scratch, entries.Length);
        Array.Clear(entries);
        segment.Count = 0;
        var bit = 64 - segment.Depth;
        for (var i = 0; i < entries.Length; i++)
        {
            ref readonly var entry = ref _scratch[i];
            if (entry.IsEmpty)
            {
                continue;
            }

            var entryHash = Mix(entry.Hash);
            var target = ((entryHash >> bit) & 1) == 1 ? sibling : segment;
            target.Entries[FreeSlot(target.Entries, entryHash)] = entry;
            target.Count++;
        }

        Array.Clear(_scratch);
    }

    private Segment SegmentOf(ulong hash) => _directory[DirectoryIndex(hash)];

    // The top bits choose the segment, the low bits the slot in it: independent parts of the mix.
    private int DirectoryIndex(ulong hash) => _depth == 0 ? 0 : (int)(hash >> (64 - _depth));

    private static int Find(TEntry[] entries, in TEntry probe, ulong hash)
    {
        var mask = entries.Length - 1;
        for (var slot = HomeSlot(hash, mask); ; slot = (slot + 1) & mask)
        {
            ref readonly var entry = ref entries[slot];
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

    private static int FreeSlot(TEntry[] entries, ulong hash)
    {
        var mask = entries.Length - 1;
        var slot = HomeSlot(hash, mask);
        while (!entries[slot].IsEmpty)
        {
            slot = (slot + 1) & mask;
        }

        return slot;
    }

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

    private sealed class Segment(TEntry[] entries, int depth)
    {
        public TEntry[] Entries { get; set; } = entries;

        public int Count { get; set; }

        /// <summary>How many top bits of the hash all of this segment's entries share.</summary>
        public int Depth { get; set; } = depth;
    }
}
