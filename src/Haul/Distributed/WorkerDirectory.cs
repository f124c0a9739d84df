using Haul.Journal;

namespace Haul.Distributed;

/// <summary>
/// A worker's claim on its output directory. Two processes naming files in one directory would
/// race (the same name for two URLs, one <c>.part</c> written twice), so each worker has its own.
/// </summary>
internal static class WorkerDirectory
{
    public const string LockName = "worker.lock";

    /// <summary>Holds <c>DIR/.haul/worker.lock</c> open, unshared, for as long as the worker runs.</summary>
    public static FileStream Lock(string directory)
    {
        var folder = Path.Combine(directory, DownloadJournal.FolderName);
        Directory.CreateDirectory(folder);
        try
        {
            return new FileStream(Path.Combine(folder, LockName), FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1, FileOptions.DeleteOnClose);
        }
        catch (IOException ex)
        {
            throw new WorkerDirectoryInUseException(directory, ex);
        }
    }
}
