namespace Haul.Distributed;

/// <summary>Another worker already writes into this output directory.</summary>
public sealed class WorkerDirectoryInUseException : Exception
{
    internal WorkerDirectoryInUseException(string directory, Exception inner)
        : base($"Another worker is using '{directory}'; give each worker a directory of its own.", inner)
    {
        Directory = directory;
    }

    /// <summary>The directory the other worker holds.</summary>
    public string Directory { get; }
}
