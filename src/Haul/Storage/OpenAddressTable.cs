namespace Haul.Storage;

/// <summary>
/// A set of small fixed-size entries by key, as compact as a run of millions of them needs: entries
/// sit in plain arrays (no per-entry hash code, link or object), found by linear probing. The
/// entries are spread over segments under a directory indexed by the top bits of the hash
/// (extendible hashing). A segment is a few pages of 64 slots: a full one takes one more page, up
/// to <see cref="MaxPages"/>, and then splits in two, each half with the pages its share needs
/// (<see cref="MinPages"/> at least), the new half taking the pages the old one gives up. So a
/// growing table keeps its segments mostly between four fifths and fifteen sixteenths full, 0.89
/// on average (one that split as soon as it filled would average two thirds), and growing leaves
/// no garbage behind (a doubling hash table leaves its old arrays, half of all it ever held, for a
/// full collection to find).
/// Not thread-safe.
/// </summary>
/// <typeparam name="TEntry">The entry type; <c>default</c> is a free slot.</typeparam>
internal sealed class OpenAddressTable<TEntry>
    where TEntry : struct, ITableEntry<TEntry>
{
    /// <summary>Slots per page: 768 bytes to 1 KiB of 12- and 16-byte entries, well under the large-object heap.</summary>
    private const int PageSlots = 64;

    private const int PageShift = 6;

    /// <summary>The pages of a new segment (512 slots).</summary>
    private const int MinPages = 8;

    /// <summary>The pages a segment grows to before it splits (960 slots; each half then gets the pages its share needs, 8 or a few more).</summary>
    private const int MaxPages = 15;

    /// <summary>Directory depth at most: beyond it (keys whose hashes agree in 24 top bits) a segment only grows.</summary>
    private const int MaxDepth = 24;

    private Segment[] _directory = [new Segment(MinPages, 0)];
    private int _depth;
    private TEntry[] _scratch = [];

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
                    capacity += _directory[i].Slots;
                }
            }

            return capacity;
        }
    }

    /// <summary>The stored entry with the key of <paramref name="probe"/>, if any.</summary>
    public bool TryGet(in TEntry probe, out TEntry existing)
    {
        var hash = Mix(probe.Hash);
        var segment = SegmentOf(hash);
        var slot = segment.Find(probe, hash);
        existing = slot >= 0 ? segment.At(slot) : default;
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
        var slot = segment.Find(entry, hash);
        if (slot >= 0)
        {
            existing = segment.At(slot);
            return false;
        }

        // At most 15/16 full, so that a probe for a missing key ends within the segment's few KiB.
        if (IsFull(segment))
        {
            segment = MakeRoom(segment, hash);
        }

        segment.At(segment.FreeSlot(hash)) = entry;
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
        var hole = segment.Find(probe, hash);
        if (hole < 0)
        {
            return false;
        }

        // Backward shift: later entries of the same run move up into the hole when their home slot
        // allows it, so no probe ever stops early at a free slot (no tombstones to clean up).
        var next = hole;
        while (true)
        {
            next = segment.Next(next);
            if (segment.At(next).IsEmpty)
            {
                break;
            }

            var home = segment.HomeSlot(Mix(segment.At(next).Hash));
            var staysPut = hole <= next ? hole < home && home <= next : hole < home || home <= next;
            if (!staysPut)
            {
                segment.At(hole) = segment.At(next);
                hole = next;
            }
        }

        segment.At(hole) = default;
        segment.Count--;
        Count--;
        return true;
    }

    private static bool IsFull(Segment segment) => (segment.Count + 1) * 16 > segment.Slots * 15;

    // The pages that hold this many entries at most 15/16 full, and never fewer than a new segment's.
    private static int PagesFor(int entries) => (int)Math.Max(MinPages, ((long)entries * 16 + (15 * PageSlots) - 1) / (15 * PageSlots));

    /// <summary>Makes room in the full segment where <paramref name="hash"/> goes: splits it once it has all its pages, else gives it one more; the segment for the hash now.</summary>
    private Segment MakeRoom(Segment segment, ulong hash)
    {
        if (segment.PageCount >= MaxPages && segment.Depth < MaxDepth)
        {
            Split(segment, hash);
            segment = SegmentOf(hash);
            if (!IsFull(segment))
            {
                return segment;
            }

            // The half it goes to is full already: its share came to exactly its pages' limit (it
            // takes a page more), or every entry went one way because their hashes agree in all the
            // top bits used so far (splitting again would only deepen the directory; it doubles).
        }

        // A page at a time up to MaxPages; past it (only ever the case above, or keys that agree in
        // all MaxDepth bits) the segment doubles, so its entries are not laid out anew per page.
        var slots = CopyOut(segment);
        segment.GrowTo(segment.PageCount < MaxPages ? segment.PageCount + 1 : segment.PageCount * 2);
        segment.Clear();
        PutBack(slots, segment, null);
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
        segment.Depth++;
        var sibling = new Segment(0, segment.Depth);
        for (var i = start + span / 2; i < start + span; i++)
        {
            _directory[i] = sibling;
        }

        // Each entry goes where the next bit of its hash says; the old segment keeps the pages its
        // share needs, the sibling takes the rest (and new ones only when they are too few).
        var slots = CopyOut(segment);
        var bit = 64 - segment.Depth;
        var upper = 0;
        for (var i = 0; i < slots; i++)
        {
            if (!_scratch[i].IsEmpty && ((Mix(_scratch[i].Hash) >> bit) & 1) == 1)
            {
                upper++;
            }
        }

        segment.MovePagesTo(sibling, keep: PagesFor(segment.Count - upper), wanted: PagesFor(upper));
        segment.GrowTo(PagesFor(segment.Count - upper));
        sibling.GrowTo(PagesFor(upper));
        segment.Clear();
        sibling.Clear();
        PutBack(slots, segment, sibling);
    }

    /// <summary>Copies the segment's slots into the scratch array; their number.</summary>
    private int CopyOut(Segment segment)
    {
        var slots = segment.Slots;
        if (_scratch.Length < slots)
        {
            _scratch = new TEntry[slots];
        }

        for (var slot = 0; slot < slots; slot++)
        {
            _scratch[slot] = segment.At(slot);
        }

        return slots;
    }

    /// <summary>Stores the scratch array's entries again, each into <paramref name="segment"/> or, by the segment's depth bit, its new <paramref name="sibling"/>.</summary>
    private void PutBack(int slots, Segment segment, Segment? sibling)
    {
        var bit = 64 - segment.Depth;
        for (var i = 0; i < slots; i++)
        {
            ref readonly var entry = ref _scratch[i];
            if (entry.IsEmpty)
            {
                continue;
            }

            var entryHash = Mix(entry.Hash);
            var target = sibling is not null && ((entryHash >> bit) & 1) == 1 ? sibling : segment;
            target.At(target.FreeSlot(entryHash)) = entry;
            target.Count++;
        }

        Array.Clear(_scratch, 0, slots);
    }

    private Segment SegmentOf(ulong hash) => _directory[DirectoryIndex(hash)];

    // The top bits choose the segment, the low 32 bits the slot in it: independent parts of the mix.
    private int DirectoryIndex(ulong hash) => _depth == 0 ? 0 : (int)(hash >> (64 - _depth));

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

    /// <summary>Some pages of slots that hold the entries whose hashes share <see cref="Depth"/> top bits, probed as one ring.</summary>
    private sealed class Segment
    {
        private TEntry[][] _pages;

        public Segment(int pages, int depth)
        {
            _pages = new TEntry[Math.Max(pages, MaxPages)][];
            Depth = depth;
            GrowTo(pages);
        }

        public int PageCount { get; private set; }

        public int Slots => PageCount * PageSlots;

        public int Count { get; set; }

        /// <summary>How many top bits of the hash all of this segment's entries share.</summary>
        public int Depth { get; set; }

        public ref TEntry At(int slot) => ref _pages[slot >> PageShift][slot & (PageSlots - 1)];

        public int Next(int slot) => slot + 1 == Slots ? 0 : slot + 1;

        // The low 32 bits of the hash scaled to the slot count (multiply and shift: no power of two needed).
        public int HomeSlot(ulong hash) => (int)(((hash & uint.MaxValue) * (ulong)Slots) >> 32);

        public int Find(in TEntry probe, ulong hash)
        {
            for (var slot = HomeSlot(hash); ; slot = Next(slot))
            {
                ref readonly var entry = ref At(slot);
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

        public int FreeSlot(ulong hash)
        {
            var slot = HomeSlot(hash);
            while (!At(slot).IsEmpty)
            {
                slot = Next(slot);
            }

            return slot;
        }

        /// <summary>Adds new pages up to <paramref name="pages"/>.</summary>
        public void GrowTo(int pages)
        {
            MakeRoomForPages(pages);
            for (; PageCount < pages; PageCount++)
            {
                _pages[PageCount] = NewPage();
            }
        }

        /// <summary>Keeps the first <paramref name="keep"/> pages and hands the others to <paramref name="other"/>, a new segment, while it has fewer than <paramref name="wanted"/>.</summary>
        public void MovePagesTo(Segment other, int keep, int wanted)
        {
            for (var i = keep; i < PageCount; i++)
            {
                if (other.PageCount < wanted)
                {
                    other.MakeRoomForPages(other.PageCount + 1);
                    other._pages[other.PageCount++] = _pages[i];
                }

                _pages[i] = null!;
            }

            PageCount = Math.Min(keep, PageCount);
        }

        private void MakeRoomForPages(int pages)
        {
            if (pages > _pages.Length)
            {
                Array.Resize(ref _pages, pages * 2);
            }
        }

        public void Clear()
        {
            for (var i = 0; i < PageCount; i++)
            {
                Array.Clear(_pages[i]);
            }

            Count = 0;
        }

        // Pages live on the pinned-object heap: they are kept for the whole run and made all along
        // it, and in the ordinary heap each would be promoted among the short-lived objects around
        // it, leaving the old generation full of holes that only a compaction could close.
        private static TEntry[] NewPage() => GC.AllocateArray<TEntry>(PageSlots, pinned: true);
    }
}
