namespace Haul.Storage;

/// <summary>What is at a path itself, a symbolic link not followed.</summary>
internal enum EntryKind
{
    Missing,
    File,
    Directory,
    Link,
}
