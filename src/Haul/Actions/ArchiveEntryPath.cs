namespace Haul.Actions;

/// <summary>
/// Turns the names an archive stores (entry names, link targets) into folder-relative paths,
/// purely lexically, refusing anything that is absolute or climbs above the folder.
/// </summary>
/// <remarks>
/// Both <c>/</c> and <c>\</c> separate components on every OS: archives made on Windows use
/// backslashes, and reading <c>..\x</c> as one odd file name on Linux would let it through
/// on the machine where it is later copied.
/// </remarks>
internal static class ArchiveEntryPath
{
    private static readonly char[] Separators = ['/', '\\'];

    /// <summary>Whether <paramref name="name"/> is absolute: <c>/x</c>, <c>\x</c>, <c>\\server\x</c>, <c>C:\x</c>, <c>C:x</c>.</summary>
    public static bool IsAbsolute(string name) =>
        name.Length > 0 && (name[0] is '/' or '\\' || (name.Length >= 2 && char.IsAsciiLetter(name[0]) && name[1] == ':'));

    /// <summary>
    /// The components of <paramref name="name"/> resolved against <paramref name="start"/> (both
    /// relative to the folder), or <see langword="null"/> when it would climb above the folder.
    /// </summary>
    public static List<string>? Resolve(IReadOnlyList<string> start, string name)
    {
        var components = new List<string>(start);
        foreach (var part in name.Split(Separators))
        {
            if (part.Length == 0 || part == ".")
            {
                continue;
            }

            if (part == "..")
            {
                if (components.Count == 0)
                {
                    return null;
                }

                components.RemoveAt(components.Count - 1);
                continue;
            }

            components.Add(part);
        }

        return components;
    }

    /// <summary>Whether a single component can be created as it is on this OS.</summary>
    public static bool IsUsableComponent(string component) =>
        !component.Contains('\0', StringComparison.Ordinal)
        && !(OperatingSystem.IsWindows() && component.IndexOfAny([':', '*', '?', '"', '<', '>', '|']) >= 0);
}
