namespace Haul.Distributed;

/// <summary>What an enqueue did: entries new to the job, and entries the job had already seen.</summary>
/// <param name="Added">Entries added to the queue.</param>
/// <param name="Duplicates">Entries left out because the job already had their normalized URL (or shard).</param>
public readonly record struct JobEnqueueResult(long Added, long Duplicates);
