using System.Text;

namespace Haul.Crawling;

/// <summary>
/// Brings patterns and URL paths to one spelling before they are compared (RFC 9309 2.2.2, RFC 3986 6.2.2):
/// escapes of unreserved characters are decoded (<c>%7E</c> is <c>~</c>), other escapes are upper-cased and
/// kept (<c>%2f</c> is <c>%2F</c>, never <c>/</c>), and characters a URL cannot hold raw are escaped as UTF-8.
/// </summary>
internal static class RobotsPath
{
    private const string HexDigits = "0123456789ABCDEF";

    public static string Normalize(string value)
    {
        var builder = new StringBuilder(value.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length && char.IsAsciiHexDigit(value[i + 1]) && char.IsAsciiHexDigit(value[i + 2]))
            {
                var octet = (byte)((HexValue(value[i + 1]) << 4) | HexValue(value[i + 2]));
                if (IsUnreserved((char)octet))
                {
                    builder.Append((char)octet);
                }
                else
                {
                    AppendEscaped(builder, octet);
                }

                i += 2;
            }
            else if (c == '%' || c <= ' ' || c >= '\x7F')
            {
                // A stray '%' is escaped too, as System.Uri does, so "/100%" in a pattern meets "/100%25" in a URL.
                Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var consumed);
                foreach (var octet in utf8[..rune.EncodeToUtf8(utf8)])
                {
                    AppendEscaped(builder, octet);
                }

                i += consumed - 1;
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private static bool IsUnreserved(char c) => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' or '_' or '~';

    private static int HexValue(char digit) => HexDigits.IndexOf(char.ToUpperInvariant(digit), StringComparison.Ordinal);

    private static void AppendEscaped(StringBuilder builder, byte octet) =>
        builder.Append('%').Append(HexDigits[octet >> 4]).Append(HexDigits[octet & 0xF]);
}
