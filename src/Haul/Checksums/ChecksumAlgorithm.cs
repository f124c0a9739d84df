namespace Haul.Checksums;

/// <summary>The digests Haul can verify.</summary>
public enum ChecksumAlgorithm
{
    /// <summary>SHA-256.</summary>
    Sha256,
    /// <summary>SHA-1.</summary>
    Sha1,
    /// <summary>MD5.</summary>
    Md5,
}
