using Haul.Journal;

namespace Haul.Distributed;

/// <summary>
/// A worker's claim on its output directory. Two processes naming files in one directory would
/// race (the same name for two URLs, one <c>.part</c> written twice), so each worker has its own.
/// </summary>
internal static class WorkerDirectory
{
    public const string LockName = "worker.lock";

    /// <summary>Holds <c>DIR/.haul/worker.lock</c> open and locked for as long as the worker runs.</summary>
    /// <exception cref="IOException">A symbolic link stands at <c>.haul</c> or at the lock file.</exception>
    public static FileStream Lock(string directory)
    {
        // A link at .haul or at the lock file would put the lock (and a created file) outside DIR.
        var path = HaulFolder.Prepare(directory, LockName);
        FileStream? stream = null;
        try
        {
            // The file stays behind when the worker ends: deleting it on close would let a second
            // worker, refused the lock, remove the first one's file on its way out.
            stream = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);

            // A record lock as well as the open's share mode: it holds even where the runtime is told
            // not to lock files it opens (the haul CLI is, to save two system calls per download).
            if (!OperatingSystem.IsMacOS())
            {
                stream.Lock(0, 1);
            }

            return stream;
        }
        catch (IOException ex)
        {
            stream?.Dispose();
            throw new WorkerDirectoryInUseException(directory, ex);
        }
    }
}
