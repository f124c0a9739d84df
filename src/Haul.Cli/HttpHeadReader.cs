using System.Net.Sockets;

namespace Haul.Cli;

/// <summary>
/// Reads an HTTP/1.1 request head for the tool's two small loopback servers (<c>haul demo</c>'s
/// site and <c>haul serve</c>'s daemon): bytes up to the blank line, within a fixed buffer.
/// </summary>
internal static class HttpHeadReader
{
    /// <summary>
    /// Reads until a blank line; returns the head's length (without it) and the bytes in the
    /// buffer, or a head of -1 at end of stream or when the head does not fit the buffer.
    /// </summary>
    public static async Task<(int Head, int Used)> ReadAsync(NetworkStream stream, byte[] buffer, int filled, CancellationToken token)
    {
        var searched = 0;
        while (true)
        {
            var end = buffer.AsSpan(searched, filled - searched).IndexOf("\r\n\r\n"u8);
            if (end >= 0)
            {
                return (searched + end, filled);
            }

            searched = Math.Max(0, filled - 3);
            if (filled == buffer.Length)
            {
                return (-1, filled);
            }

            var read = await stream.ReadAsync(buffer.AsMemory(filled), token);
            if (read == 0)
            {
                return (-1, filled);
            }

            filled += read;
        }
    }
}
