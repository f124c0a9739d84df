using System.Security.Cryptography;
using Haul.Actions;

namespace Haul.Tests.Actions;

/// <summary>
/// A temp folder holding <c>downloads/</c>, where archives are written as if just downloaded.
/// <see cref="Snapshot"/> lists everything under the root, so a test can prove nothing was
/// written beside or above the downloads.
/// </summary>
public sealed class ArchiveSandbox : IDisposable
{
    public ArchiveSandbox()
    {
        Root = Directory.CreateTempSubdirectory("haul-actions-").FullName;
        Downloads = Path.Combine(Root, "downloads");
        Directory.CreateDirectory(Downloads);
    }

    public string Root { get; }

    public string Downloads { get; }

    /// <summary>Writes an archive into <see cref="Downloads"/> and describes it as a finished download.</summary>
    internal CompletedFile Archive(string name, params TestEntry[] entries)
    {
        var path = Path.Combine(Downloads, name);
        TestArchives.Write(path, entries);
        return Completed(path);
    }

    internal static CompletedFile Completed(string path) =>
        new($"http://example.test/{Path.GetFileName(path)}", path, Sha256(path), new FileInfo(path).Length);

    public string InDownloads(params string[] parts) => Path.Combine([Downloads, .. parts]);

    /// <summary>Every file, folder and link under the root (links not followed), relative, sorted, with a type mark.</summary>
    public string[] Snapshot()
    {
        var options = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        return
        [
            .. new DirectoryInfo(Root).EnumerateFileSystemInfos("*", options)
                .Select(info => $"{Path.GetRelativePath(Root, info.FullName)} {Mark(info)}")
                .Order(StringComparer.Ordinal),
        ];
    }

    public static string Sha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
    }

    private static string Mark(FileSystemInfo info) => info switch
    {
        { LinkTarget: { } target } => $"-> {target}",
        DirectoryInfo => "/",
        _ => string.Empty,
    };
}
