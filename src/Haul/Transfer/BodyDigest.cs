using System.Buffers;
using System.Security.Cryptography;
using Haul.Checksums;

namespace Haul.Transfer;

/// <summary>
/// The SHA-256 (and, when asked, the checksum algorithm) of the bytes written to a <c>.part</c>
/// file so far. It carries over between attempts of one run; when the file on disk does not
/// match what was hashed, it starts over from the file.
/// </summary>
internal sealed class BodyDigest : IDisposable
{
    private readonly IncrementalHash _sha256 = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
    private readonly IncrementalHash? _verify;
    private readonly Checksum? _expected;

    // The hex digest of the bytes so far, once asked for: asking the hash again copies and finishes its state again.
    private string? _sha256Hex;

    public BodyDigest(Checksum? expected)
    {
        _expected = expected;
        if (expected is { Algorithm: not ChecksumAlgorithm.Sha256 })
        {
            _verify = IncrementalHash.CreateHash(expected.HashName);
        }
    }

    public long Length { get; private set; }

    public void Append(ReadOnlySpan<byte> data)
    {
        _sha256.AppendData(data);
        _verify?.AppendData(data);
        Length += data.Length;
        _sha256Hex = null;
    }

    /// <summary>Makes the digest cover exactly the first <paramref name="length"/> bytes of the file <paramref name="handle"/> has open.</summary>
    public async ValueTask SyncWithFileAsync(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long length, int bufferSize, CancellationToken cancellationToken)
    {
        if (length == Length)
        {
            return;
        }

        Reset();
        if (length == 0)
        {
            return;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(bufferSize);
        try
        {
            await AppendFromFileAsync(handle, length, buffer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Extends the digest with the bytes of <paramref name="handle"/> from its current length up to <paramref name="end"/>.</summary>
    public async ValueTask AppendFromFileAsync(Microsoft.Win32.SafeHandles.SafeFileHandle handle, long end, Memory<byte> buffer, CancellationToken cancellationToken)
    {
        while (Length < end)
        {
            var want = (int)Math.Min(buffer.Length, end - Length);
            var read = await RandomAccess.ReadAsync(handle, buffer[..want], Length, cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                throw new IOException($"The file ended at byte {Length}, before {end}.");
            }

            Append(buffer.Span[..read]);
        }
    }

    public void Reset()
    {
        _sha256.GetHashAndReset();
        _verify?.GetHashAndReset();
        Length = 0;
        _sha256Hex = null;
    }

    public string Sha256Hex() => _sha256Hex ??= Convert.ToHexStringLower(_sha256.GetCurrentHash());

    /// <summary>The digest in the expected checksum's algorithm, or null when none was asked for.</summary>
    public string? ChecksumHex() => _expected switch
    {
        null => null,
        { Algorithm: ChecksumAlgorithm.Sha256 } => Sha256Hex(),
        _ => Convert.ToHexStringLower(_verify!.GetCurrentHash()),
    };

    public void Dispose()
    {
        _sha256.Dispose();
        _verify?.Dispose();
    }
}
