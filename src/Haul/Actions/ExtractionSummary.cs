namespace Haul.Actions;

/// <summary>What one extraction produced: regular files (hard links count as the copies they become), symbolic links and bytes.</summary>
internal readonly record struct ExtractionSummary(int Files, int SymbolicLinks, long Bytes);
