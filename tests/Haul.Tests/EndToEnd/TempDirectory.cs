namespace Haul.Tests.EndToEnd;

/// <summary>A fresh directory per test, removed afterwards; <see cref="Out"/> is the download directory inside it.</summary>
public sealed class TempDirectory : IDisposable
{
    public TempDirectory()
    {
        Root = Directory.CreateTempSubdirectory("haul-test-").FullName;
        Out = Path.Combine(Root, "out");
    }

    public string Root { get; }

    public string Out { get; }

    /// <summary>Every file under the root, relative to it, sorted; the journal's <c>.haul</c> folders are left out.</summary>
    public string[] AllFiles() =>
    [
        .. Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Root, path))
            .Where(path => !path.Split(Path.DirectorySeparatorChar).Contains(".haul"))
            .Order(StringComparer.Ordinal),
    ];

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
}
