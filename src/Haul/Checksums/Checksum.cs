using System.Diagnostics.CodeAnalysis;
using System.Security.Cryptography;

namespace Haul.Checksums;

/// <summary>An expected digest, written <c>ALGO=HEX</c> (<c>sha-256=…</c>, <c>sha-1=…</c>, <c>md5=…</c>).</summary>
public sealed record Checksum(ChecksumAlgorithm Algorithm, string Hex)
{
    /// <summary>The algorithm as written in the input: <c>sha-256</c>, <c>sha-1</c> or <c>md5</c>.</summary>
    public string AlgorithmName => Algorithm switch
    {
        ChecksumAlgorithm.Sha256 => "sha-256",
        ChecksumAlgorithm.Sha1 => "sha-1",
        _ => "md5",
    };

    internal HashAlgorithmName HashName => Algorithm switch
    {
        ChecksumAlgorithm.Sha256 => HashAlgorithmName.SHA256,
        ChecksumAlgorithm.Sha1 => HashAlgorithmName.SHA1,
        _ => HashAlgorithmName.MD5,
    };

    /// <summary>Parses <c>ALGO=HEX</c>; the hex digits must match the algorithm's length.</summary>
    public static bool TryParse(string? text, [NotNullWhen(true)] out Checksum? checksum, out string? error)
    {
        checksum = null;
        error = null;
        var eq = text?.IndexOf('=', StringComparison.Ordinal) ?? -1;
        if (text is null || eq <= 0)
        {
            error = "a checksum is written ALGO=HEX, e.g. sha-256=9f86…";
            return false;
        }

        var name = text[..eq].Trim().ToLowerInvariant();
        var hex = text[(eq + 1)..].Trim().ToLowerInvariant();
        (ChecksumAlgorithm Algorithm, int HexLength)? algo = name switch
        {
            "sha-256" or "sha256" => (ChecksumAlgorithm.Sha256, 64),
            "sha-1" or "sha1" => (ChecksumAlgorithm.Sha1, 40),
            "md5" => (ChecksumAlgorithm.Md5, 32),
            _ => null,
        };
        if (algo is null)
        {
            error = $"unknown checksum algorithm '{name}' (use sha-256, sha-1 or md5)";
            return false;
        }

        if (hex.Length != algo.Value.HexLength || !hex.All(char.IsAsciiHexDigit))
        {
            error = $"a {name} checksum is {algo.Value.HexLength} hex digits";
            return false;
        }

        checksum = new Checksum(algo.Value.Algorithm, hex);
        return true;
    }

    /// <inheritdoc/>
    public override string ToString() => $"{AlgorithmName}={Hex}";
}
