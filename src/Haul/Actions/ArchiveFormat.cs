namespace Haul.Actions;

/// <summary>The archive formats <see cref="ExtractAction"/> unpacks.</summary>
internal enum ArchiveFormat
{
    /// <summary><c>.zip</c></summary>
    Zip,

    /// <summary><c>.tar</c></summary>
    Tar,

    /// <summary><c>.tar.gz</c> and <c>.tgz</c></summary>
    TarGzip,
}
