using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Haul.Actions;

/// <summary>
/// The <c>--on-complete</c> command line, split into a program and its arguments without a shell,
/// and its <c>{path}</c>, <c>{url}</c>, <c>{sha256}</c> placeholders.
/// </summary>
/// <remarks>
/// Splitting follows the POSIX shell closely enough that what users type works, with nothing a
/// shell would expand: whitespace separates arguments; <c>'…'</c> groups literally; <c>"…"</c>
/// groups, and inside it <c>\"</c> and <c>\\</c> are escapes; outside quotes a backslash escapes
/// whitespace, a quote or a backslash. Before any other character a backslash is kept, so
/// Windows paths such as <c>C:\tools\sum.exe</c> need no doubling.
/// </remarks>
internal static partial class CommandTemplate
{
    /// <summary>Splits <paramref name="commandLine"/> into the program and its arguments.</summary>
    /// <exception cref="ArgumentException">A quote is not closed, or there is no program.</exception>
    public static IReadOnlyList<string> Parse(string commandLine)
    {
        ArgumentNullException.ThrowIfNull(commandLine);
        var arguments = new List<string>();
        var current = new StringBuilder();
        var inArgument = false;

        for (var i = 0; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            if (char.IsWhiteSpace(c))
            {
                if (inArgument)
                {
                    arguments.Add(current.ToString());
                    current.Clear();
                    inArgument = false;
                }

                continue;
            }

            // A quote starts an argument even when it turns out empty: '' is an empty argument.
            inArgument = true;
            switch (c)
            {
                case '\'':
                    var close = commandLine.IndexOf('\'', i + 1);
                    if (close < 0)
                    {
                        throw Unclosed("single", i);
                    }

                    current.Append(commandLine, i + 1, close - i - 1);
                    i = close;
                    break;
                case '"':
                    i = ReadDoubleQuoted(commandLine, i, current);
                    break;
                case '\\' when i + 1 < commandLine.Length && (char.IsWhiteSpace(commandLine[i + 1]) || commandLine[i + 1] is '\'' or '"' or '\\'):
                    current.Append(commandLine[++i]);
                    break;
                default:
                    current.Append(c);
                    break;
            }
        }

        if (inArgument)
        {
            arguments.Add(current.ToString());
        }

        if (arguments.Count == 0)
        {
            throw new ArgumentException("The command is empty: it needs at least a program to run.");
        }

        return arguments;
    }

    /// <summary>
    /// Substitutes the placeholders in each argument, in one pass, so a value that itself contains
    /// <c>{path}</c> is never substituted again and an argument never splits in two.
    /// </summary>
    public static string[] Expand(IReadOnlyList<string> arguments, CompletedFile file)
    {
        ArgumentNullException.ThrowIfNull(arguments);
        ArgumentNullException.ThrowIfNull(file);

        // The full path: a relative one would depend on the hook's working directory, and could start with '-'.
        var path = Path.GetFullPath(file.Path);
        return [.. arguments.Select(argument => Placeholder().Replace(argument, match => match.Groups[1].Value switch
        {
            "path" => path,
            "url" => file.Url,
            _ => file.Sha256,
        }))];
    }

    /// <summary>Reads from the opening quote at <paramref name="open"/>; returns the index of the closing quote.</summary>
    private static int ReadDoubleQuoted(string commandLine, int open, StringBuilder current)
    {
        for (var i = open + 1; i < commandLine.Length; i++)
        {
            var c = commandLine[i];
            if (c == '"')
            {
                return i;
            }

            if (c == '\\' && i + 1 < commandLine.Length && commandLine[i + 1] is '"' or '\\')
            {
                i++;
                c = commandLine[i];
            }

            current.Append(c);
        }

        throw Unclosed("double", open);
    }

    private static ArgumentException Unclosed(string kind, int position) =>
        new(string.Create(CultureInfo.InvariantCulture, $"The command has an unclosed {kind} quote at position {position + 1}."));

    [GeneratedRegex(@"\{(path|url|sha256)\}", RegexOptions.CultureInvariant)]
    private static partial Regex Placeholder();
}
