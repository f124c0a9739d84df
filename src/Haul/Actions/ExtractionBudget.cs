using System.Globalization;
using Haul.Progress;

namespace Haul.Actions;

/// <summary>
/// Counts what one extraction has produced so far against <see cref="ExtractOptions"/>, from
/// the bytes actually written, never from sizes an archive declares.
/// </summary>
internal sealed class ExtractionBudget
{
    /// <summary>
    /// Below this the ratio is not checked: a 1 KiB archive that holds 10 KiB of text is
    /// ordinary, and nothing that small can hurt.
    /// </summary>
    internal const long RatioFloorBytes = 1024 * 1024;

    private readonly ExtractOptions _options;
    private readonly long _archiveBytes;
    private readonly ExtractionRefusal _refusal;
    private int _entries;

    public ExtractionBudget(ExtractOptions options, long archiveBytes, ExtractionRefusal refusal)
    {
        _options = options;
        _archiveBytes = archiveBytes;
        _refusal = refusal;
    }

    public long Bytes { get; private set; }

    /// <summary>Counts one more entry, before anything is done with it.</summary>
    public void AddEntry(string entryName)
    {
        if (++_entries > _options.MaxEntries)
        {
            throw _refusal.Create(entryName, string.Create(
                CultureInfo.InvariantCulture, $"takes it past {_options.MaxEntries} entries, the most allowed"));
        }
    }

    /// <summary>Counts bytes about to be written; throws before the write that would pass a limit.</summary>
    public void AddBytes(int count, string entryName)
    {
        var next = Bytes + count;
        if (next > _options.MaxTotalBytes)
        {
            throw _refusal.Create(entryName, $"takes it past {HumanBytes.Format(_options.MaxTotalBytes)} unpacked, the most allowed");
        }

        if (next > RatioFloorBytes && next > _options.MaxRatio * _archiveBytes)
        {
            throw _refusal.Create(entryName, string.Create(
                CultureInfo.InvariantCulture, $"takes it past {_options.MaxRatio:0.##} times the archive's size unpacked, the most allowed"));
        }

        Bytes = next;
    }
}
