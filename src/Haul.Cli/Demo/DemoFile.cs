namespace Haul.Cli.Demo;

/// <summary>One generated file of the demo site and the fault it plays once.</summary>
internal sealed record DemoFile(string Path, byte[] Content, DemoFault Fault, string Sha256)
{
    /// <summary>The Content-Type to send; the picture crawler keeps only images.</summary>
    public string? ContentType { get; init; }
}
