namespace Haul.Input;

/// <summary>One line of a URL list as <see cref="InputLineScanner"/> found it.</summary>
/// <param name="Number">The 1-based line number.</param>
/// <param name="Text">The line without its line break; null when the line was too long to keep.</param>
/// <param name="Prefix">The first characters of the line, for naming an over-long line in a message.</param>
/// <param name="Binary">True when the line holds a NUL character: the input is not text.</param>
internal readonly record struct InputLine(int Number, string? Text, string Prefix, bool Binary)
{
    public bool TooLong => Text is null && !Binary;
}
