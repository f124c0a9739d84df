using System.Text.RegularExpressions;
using Haul.Actions;

namespace Haul.Cli;

/// <summary>
/// A parser error as one line in the user's words: System.CommandLine names the .NET type a value
/// failed to convert to (<c>'System.Boolean'</c>), which means nothing to someone typing a command.
/// </summary>
internal static partial class ParserMessage
{
    public static string Clean(string message)
    {
        // Some parser messages span lines (the allowed values, one per line): keep it to one.
        var line = string.Join(' ', message.Split(['\r', '\n', '\t'], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
        line = ExpectedType().Replace(line, match => match.Groups["type"].Value switch
        {
            "Boolean" => "as true or false",
            "Int32" or "Int64" or "Int16" or "Byte" or "UInt32" or "UInt64" => "as a whole number",
            "Double" or "Single" or "Decimal" => "as a number",
            _ => "as a value of this option",
        });
        return DisplayText.Safe(TypeName().Replace(line, "a value"));
    }

    [GeneratedRegex(@"as expected type '(?:System\.)?(?<type>[\w.`\[\]]+?)(?:\?|\[\])?'")]
    private static partial Regex ExpectedType();

    /// <summary>Any other .NET type name that might slip through.</summary>
    [GeneratedRegex(@"'?\b(?:System|Microsoft|Haul)\.[\w.`\[\],]+'?")]
    private static partial Regex TypeName();
}
