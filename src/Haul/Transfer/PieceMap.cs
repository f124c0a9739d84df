using Haul.Storage;

namespace Haul.Transfer;

/// <summary>
/// Which bytes of a segmented download are written and who fetches the rest. The pieces cover
/// the file end to end, in order; each is written front to back by one connection at a time.
/// A connection with nothing left to do takes the back half of the piece with the most bytes to
/// go, so the slowest connection never holds up the end alone.
/// </summary>
internal sealed class PieceMap
{
    private readonly Lock _gate = new();
    private readonly List<Piece> _pieces;
    private readonly long _stealMinimum;

    private PieceMap(long length, List<Piece> pieces, long stealMinimum)
    {
        Length = length;
        _pieces = pieces;
        _stealMinimum = stealMinimum;
    }

    public long Length { get; }

    /// <summary>Bytes written so far, over all pieces.</summary>
    public long Written
    {
        get
        {
            lock (_gate)
            {
                return _pieces.Sum(piece => piece.Written - piece.Start);
            }
        }
    }

    /// <summary>Every byte before this offset is written: the front of the first unfinished piece.</summary>
    public long Frontier
    {
        get
        {
            lock (_gate)
            {
                foreach (var piece in _pieces)
                {
                    if (piece.Written < piece.End)
                    {
                        return piece.Written;
                    }
                }

                return Length;
            }
        }
    }

    public bool IsComplete => Frontier == Length;

    /// <summary>
    /// Splits <paramref name="length"/> bytes into at most <paramref name="connections"/> pieces
    /// of at least <paramref name="minSplitSize"/> bytes each.
    /// </summary>
    /// <param name="length">The size of the file.</param>
    /// <param name="connections">The connections the download may use.</param>
    /// <param name="minSplitSize">No piece is planned smaller than this.</param>
    /// <param name="stealMinimum">No piece is split by a steal into halves smaller than this.</param>
    public static PieceMap Plan(long length, int connections, long minSplitSize, long stealMinimum)
    {
        var count = (int)Math.Clamp(length / Math.Max(minSplitSize, 1), 1, connections);
        var pieces = new List<Piece>(count);
        var size = length / count;
        for (var i = 0; i < count; i++)
        {
            var start = i * size;
            var end = i == count - 1 ? length : start + size;
            pieces.Add(new Piece(start, start, end));
        }

        return new PieceMap(length, pieces, stealMinimum);
    }

    /// <summary>Rebuilds a map saved by an earlier run; null when the records do not describe the whole file.</summary>
    public static PieceMap? Restore(IReadOnlyList<PieceRecord> records, long length, long stealMinimum)
    {
        var pieces = new List<Piece>(records.Count);
        long next = 0;
        foreach (var record in records)
        {
            if (record.Start != next || record.Written < record.Start || record.End < record.Written || record.End <= record.Start)
            {
                return null;
            }

            pieces.Add(new Piece(record.Start, record.Written, record.End));
            next = record.End;
        }

        return next == length && pieces.Count > 0 ? new PieceMap(length, pieces, stealMinimum) : null;
    }

    /// <summary>
    /// Hands out work: an unfinished piece nobody fetches, else the back half of the piece with the
    /// most bytes to go (when halving it leaves both halves worth a connection); null when neither is left.
    /// </summary>
    public Piece? Take()
    {
        lock (_gate)
        {
            Piece? largest = null;
            foreach (var piece in _pieces)
            {
                if (piece.Written >= piece.End)
                {
                    continue;
                }

                if (!piece.Owned)
                {
                    piece.Owned = true;
                    return piece;
                }

                if (largest is null || piece.End - piece.Written > largest.End - largest.Written)
                {
                    largest = piece;
                }
            }

            if (largest is null || largest.End - largest.Written < 2 * _stealMinimum)
            {
                return null;
            }

            var middle = largest.Written + ((largest.End - largest.Written) / 2);
            var stolen = new Piece(middle, middle, largest.End) { Owned = true };
            largest.End = middle;
            _pieces.Insert(_pieces.IndexOf(largest) + 1, stolen);
            return stolen;
        }
    }

    /// <summary>Bytes the piece's owner may still write; a steal can shrink it at any time, never below what a read in flight may need.</summary>
    public long Remaining(Piece piece)
    {
        lock (_gate)
        {
            return piece.End - piece.Written;
        }
    }

    /// <summary>Records <paramref name="count"/> bytes written at the piece's front; true when the piece is finished.</summary>
    public bool Advance(Piece piece, int count)
    {
        lock (_gate)
        {
            if (piece.Written + count > piece.End)
            {
                throw new InvalidOperationException($"A write past the end of piece {piece.Start}-{piece.End}.");
            }

            piece.Written += count;
            return piece.Written == piece.End;
        }
    }

    /// <summary>The owner stopped (its connection failed for good, or the run stops): another may take it.</summary>
    public void Release(Piece piece)
    {
        lock (_gate)
        {
            piece.Owned = false;
        }
    }

    public IReadOnlyList<PieceRecord> Snapshot()
    {
        lock (_gate)
        {
            return _pieces.ConvertAll(piece => new PieceRecord(piece.Start, piece.Written, piece.End));
        }
    }

    /// <summary>A range of the file; its fields change only under the map's lock.</summary>
    internal sealed class Piece(long start, long written, long end)
    {
        public long Start { get; } = start;

        public long Written { get; set; } = written;

        public long End { get; set; } = end;

        public bool Owned { get; set; }
    }
}
