namespace Haul.Distributed;

/// <summary>Another worker already writes into this output directory.</summary>
internal sealed class WorkerDirectoryInUseException(string directory, Exception inner)
    : Exception($"Another worker is using '{directory}'; give each worker a directory of its own.", inner);
