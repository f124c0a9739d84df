using Haul.Storage;

namespace Haul.Journal;

/// <summary>
/// <c>DIR/.haul</c>, where the journal and the crawl's frontier live. Neither the folder nor a
/// database file in it (with SQLite's <c>-wal</c> and <c>-shm</c> companions) may be a symbolic
/// link: SQLite would follow it and write outside the output directory.
/// </summary>
internal static class HaulFolder
{
    /// <summary>Creates the folder if needed and returns the path of <paramref name="fileName"/> in it, refusing links on the way.</summary>
    public static string Prepare(string outputDirectory, string fileName)
    {
        var path = Check(outputDirectory, fileName);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);

        // Checked again: the folder may have been replaced by a link since.
        return Check(outputDirectory, fileName);
    }

    /// <summary>Refuses the same links as <see cref="Prepare"/> without creating anything; the path of <paramref name="fileName"/>.</summary>
    public static string Check(string outputDirectory, string fileName)
    {
        var folder = Path.Combine(outputDirectory, DownloadJournal.FolderName);
        Refuse(folder);
        var path = Path.Combine(folder, fileName);
        foreach (var file in (string[])[path, path + "-wal", path + "-shm", path + "-journal"])
        {
            Refuse(file);
        }

        return path;
    }

    private static void Refuse(string path)
    {
        if (NoFollow.IsLink(path))
        {
            // An IOException: the run cannot start, and the CLI says so before anything is fetched.
            throw new IOException($"refusing to write through a symbolic link: {path}");
        }
    }
}
