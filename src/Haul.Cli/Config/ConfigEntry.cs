namespace Haul.Cli.Config;

/// <summary>One <c>key = value</c> line of a config file.</summary>
internal sealed record ConfigEntry(string Key, string Value, int Line);
