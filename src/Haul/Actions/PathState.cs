namespace Haul.Actions;

/// <summary>What is at a path, without following a symbolic link there.</summary>
internal enum PathState
{
    Missing,
    File,
    Directory,
    SymbolicLink,
}
