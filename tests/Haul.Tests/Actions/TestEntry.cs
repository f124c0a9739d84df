using System.Formats.Tar;

namespace Haul.Tests.Actions;

/// <summary>One entry to put in a test archive: a file (bytes or zeros), a folder, a link or a device.</summary>
public sealed record TestEntry(string Name, TarEntryType Type, byte[]? Content = null, long Zeros = 0, string? LinkTarget = null)
{
    public static TestEntry File(string name, byte[] content) => new(name, TarEntryType.RegularFile, content);

    public static TestEntry ZeroFile(string name, long length) => new(name, TarEntryType.RegularFile, Zeros: length);

    public static TestEntry Folder(string name) => new(name, TarEntryType.Directory);

    public static TestEntry SymbolicLink(string name, string target) => new(name, TarEntryType.SymbolicLink, LinkTarget: target);

    public static TestEntry HardLink(string name, string target) => new(name, TarEntryType.HardLink, LinkTarget: target);

    public static TestEntry Special(string name, TarEntryType type) => new(name, type);

    public Stream OpenContent() => Content is { } bytes ? new MemoryStream(bytes, writable: false) : new ZeroStream(Zeros);
}
