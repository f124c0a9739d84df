namespace Haul.Tests.Docs;

/// <summary>One fenced code block: where it opens and closes (1-based lines), its info string and its text.</summary>
internal sealed record FencedBlock(int OpenLine, int CloseLine, string Info, string Code)
{
    /// <summary>The first word of the info string, lower case: <c>csharp</c> for <c>```csharp title</c>.</summary>
    public string Language => Info.Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault()?.ToLowerInvariant() ?? "";
}

/// <summary>
/// Reads the fenced code blocks of a Markdown file the way CommonMark does, and says where a fence
/// goes wrong. Inside a block, only a run of the opener's character at least as long as the opener,
/// with nothing after it, closes it; a fence line with an info string there does not open a new
/// block but silently becomes code, and every later block turns inside out. That, and a block
/// never closed, are the mistakes reported.
/// </summary>
internal static class MarkdownFences
{
    public static (IReadOnlyList<FencedBlock> Blocks, IReadOnlyList<string> Problems) Read(string markdown)
    {
        var lines = markdown.ReplaceLineEndings("\n").Split('\n');
        var blocks = new List<FencedBlock>();
        var problems = new List<string>();
        Fence? open = null;
        var code = new List<string>();

        for (var index = 0; index < lines.Length; index++)
        {
            var number = index + 1;
            var fence = Fence.Parse(lines[index], number);
            if (open is null)
            {
                if (fence is not null)
                {
                    open = fence;
                    code.Clear();
                }

                continue;
            }

            if (fence is not null && fence.Marker == open.Marker && fence.Length >= open.Length)
            {
                if (fence.Info.Length == 0)
                {
                    blocks.Add(new FencedBlock(open.Line, number, open.Info, string.Join('\n', code)));
                    open = null;
                    continue;
                }

                problems.Add($"line {number}: '{lines[index].Trim()}' is inside the block opened at line {open.Line}, "
                    + "so it is read as code, not as a new block: close that block first (a closing fence has no info string)");
            }

            code.Add(lines[index]);
        }

        if (open is not null)
        {
            problems.Add($"line {open.Line}: the block opened here ('{open.Text}') is never closed");
        }

        return (blocks, problems);
    }

    private sealed record Fence(int Line, char Marker, int Length, string Info, string Text)
    {
        public static Fence? Parse(string line, int number)
        {
            var text = line.Trim();
            if (text.Length < 3 || (text[0] != '`' && text[0] != '~'))
            {
                return null;
            }

            var marker = text[0];
            var length = 0;
            while (length < text.Length && text[length] == marker)
            {
                length++;
            }

            var info = text[length..].Trim();
            // A backtick in the info string makes the line inline code, not a fence (CommonMark 4.5).
            return length < 3 || (marker == '`' && info.Contains('`', StringComparison.Ordinal))
                ? null
                : new Fence(number, marker, length, info, text);
        }
    }
}
