using System.Formats.Tar;
using System.IO.Compression;

namespace Haul.Tests.Actions;

/// <summary>Writes zip, tar and tar.gz files from <see cref="TestEntry"/> lists, streaming their contents.</summary>
public static class TestArchives
{
    public static void Write(string path, params TestEntry[] entries)
    {
        var name = Path.GetFileName(path);
        if (name.EndsWith(".zip", StringComparison.OrdinalIgnoreCase))
        {
            WriteZip(path, entries);
        }
        else
        {
            var gzip = name.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) || name.EndsWith(".tgz", StringComparison.OrdinalIgnoreCase);
            WriteTar(path, gzip, entries);
        }
    }

    private static void WriteZip(string path, TestEntry[] entries)
    {
        using var file = File.Create(path);
        using var zip = new ZipArchive(file, ZipArchiveMode.Create);
        foreach (var entry in entries)
        {
            if (entry.Type != TarEntryType.RegularFile && entry.Type != TarEntryType.Directory)
            {
                throw new ArgumentException($"A zip holds files and folders, not {entry.Type}.", nameof(entries));
            }

            // SmallestSize: zeros then compress about 1000:1, what a bomb is made of.
            var zipEntry = zip.CreateEntry(entry.Name, CompressionLevel.SmallestSize);
            if (entry.Type == TarEntryType.RegularFile)
            {
                using var target = zipEntry.Open();
                using var content = entry.OpenContent();
                content.CopyTo(target);
            }
        }
    }

    private static void WriteTar(string path, bool gzip, TestEntry[] entries)
    {
        using var file = File.Create(path);
        using var stream = gzip ? new GZipStream(file, CompressionLevel.SmallestSize) : (Stream)file;
        using var writer = new TarWriter(stream, TarEntryFormat.Pax);
        foreach (var entry in entries)
        {
            var tarEntry = new PaxTarEntry(entry.Type, entry.Name);
            if (entry.LinkTarget is { } target)
            {
                tarEntry.LinkName = target;
            }

            if (entry.Type == TarEntryType.RegularFile)
            {
                tarEntry.DataStream = entry.OpenContent();
            }

            writer.WriteEntry(tarEntry);
        }
    }
}
