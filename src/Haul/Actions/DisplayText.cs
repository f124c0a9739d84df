namespace Haul.Actions;

/// <summary>
/// Makes text that came from outside (archive entry names, a hook's stderr) safe to put in a
/// message: control characters, which could drive a terminal, become <c>?</c>, and very long
/// text is cut.
/// </summary>
internal static class DisplayText
{
    private const int DefaultMaxLength = 160;

    public static string Clean(string text) => Clean(text, DefaultMaxLength);

    public static string Clean(string text, int maxLength)
    {
        var shown = string.Create(text.Length, text, static (span, source) =>
        {
            for (var i = 0; i < source.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? '?' : source[i];
            }
        });

        return shown.Length <= maxLength ? shown : string.Concat(shown.AsSpan(0, maxLength), "…");
    }
}
