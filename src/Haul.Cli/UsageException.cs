namespace Haul.Cli;

/// <summary>A usage or input problem found before anything ran; the CLI prints it and exits 2.</summary>
internal sealed class UsageException(string message) : Exception(message);
