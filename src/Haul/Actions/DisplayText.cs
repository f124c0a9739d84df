namespace Haul.Actions;

/// <summary>
/// Makes text that came from outside (a server's reason phrase or <c>Location</c>, archive entry
/// names, a hook's stderr, a journal written by an earlier run) safe to put in a message or on a
/// terminal: control characters, which could clear the screen, retitle the window or hide what
/// follows, become <c>?</c>, and so do the invisible marks that reorder text on screen.
/// </summary>
internal static class DisplayText
{
    private const int DefaultMaxLength = 160;

    /// <summary>The characters <see cref="IsUnsafe"/> refuses, for a fast first scan.</summary>
    private static readonly System.Buffers.SearchValues<char> Unsafe = System.Buffers.SearchValues.Create(
        [.. Enumerable.Range(0, 0x20).Select(c => (char)c), .. Enumerable.Range(0x7F, 0x21).Select(c => (char)c),
         '\u061C', '\u200E', '\u200F', '\u202A', '\u202B', '\u202C', '\u202D', '\u202E', '\u2066', '\u2067', '\u2068', '\u2069']);

    /// <summary>The text made safe and cut to a message's length.</summary>
    public static string Clean(string text) => Clean(text, DefaultMaxLength);

    /// <summary>The text made safe and cut to <paramref name="maxLength"/> characters.</summary>
    public static string Clean(string text, int maxLength)
    {
        var shown = Safe(text);
        return shown.Length <= maxLength ? shown : string.Concat(shown.AsSpan(0, maxLength), "…");
    }

    /// <summary>The whole text, with every character that could drive a terminal replaced: one line, as long as it was.</summary>
    public static string Safe(string text)
    {
        var index = text.AsSpan().IndexOfAny(Unsafe);
        if (index < 0)
        {
            return text;
        }

        return string.Create(text.Length, (text, index), static (span, state) =>
        {
            var (source, first) = state;
            source.AsSpan(0, first).CopyTo(span);
            for (var i = first; i < source.Length; i++)
            {
                span[i] = IsUnsafe(source[i]) ? '?' : source[i];
            }
        });
    }

    /// <summary>
    /// C0 and C1 controls (ESC, BEL, CSI…), DEL, and the bidirectional overrides, embeddings and
    /// isolates that can make a terminal show text in an order other than its own.
    /// </summary>
    private static bool IsUnsafe(char c) =>
        char.IsControl(c) || c is '\u061C' or '\u200E' or '\u200F' or (>= '\u202A' and <= '\u202E') or (>= '\u2066' and <= '\u2069');
}
