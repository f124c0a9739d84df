namespace Haul.Storage;

/// <summary>Where a finished body goes: the reserved name and what may change it.</summary>
/// <param name="Directory">The folder of the file.</param>
/// <param name="Name">The reserved name.</param>
/// <param name="Path">The reserved path (<paramref name="Directory"/> and <paramref name="Name"/>).</param>
/// <param name="NameIsFixed">The name was chosen (<c>out=</c>, <c>-o</c>): a server's suggestion does not change it.</param>
/// <param name="SuggestedName">The name the server suggested in <c>Content-Disposition</c>, if any.</param>
/// <param name="ReplacesExisting">The file at <paramref name="Path"/> is this URL's own older copy, to be replaced.</param>
internal readonly record struct CommitPlace(string Directory, string Name, string Path, bool NameIsFixed, string? SuggestedName, bool ReplacesExisting);
