using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Haul.Cli.Commands;

/// <summary>
/// Numeric flags with a range. They parse their own values so that a bad one is a usage error
/// naming the flag and what it accepts, not the parser's words about .NET types, and so that a
/// value too large for the run (a timeout past what a timer can wait) never reaches it.
/// </summary>
internal static class NumberOptions
{
    /// <summary>A day: the longest a timeout may be, far past any use and well within what timers can wait.</summary>
    public const double MaxSeconds = 86_400;

    /// <summary>A whole number from <paramref name="minimum"/> to <paramref name="maximum"/>.</summary>
    public static Option<int> Whole(string name, string? alias, int minimum, int maximum, int defaultValue, string description)
    {
        var option = alias is null ? new Option<int>(name) : new Option<int>(name, alias);
        option.Description = description;
        option.DefaultValueFactory = _ => defaultValue;
        option.CustomParser = result => ParseWhole(result, option, minimum, maximum) ?? defaultValue;
        return option;
    }

    /// <summary>A whole number from <paramref name="minimum"/> to <paramref name="maximum"/>, or nothing when the flag is absent.</summary>
    public static Option<int?> OptionalWhole(string name, int minimum, int maximum, string description, string? alias = null)
    {
        var option = alias is null ? new Option<int?>(name) : new Option<int?>(name, alias);
        option.Description = description;
        option.CustomParser = result => ParseWhole(result, option, minimum, maximum);
        return option;
    }

    /// <summary>A number of seconds from <paramref name="minimum"/> to <see cref="MaxSeconds"/>.</summary>
    public static Option<double> Seconds(string name, double minimum, double defaultValue, string description, string? alias = null)
    {
        var option = alias is null ? new Option<double>(name) : new Option<double>(name, alias);
        option.Description = description;
        option.DefaultValueFactory = _ => defaultValue;
        option.CustomParser = result =>
        {
            var text = Token(result);
            if (double.TryParse(text, NumberStyles.AllowDecimalPoint | NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture, out var value)
                && value >= minimum && value <= MaxSeconds)
            {
                return value;
            }

            result.AddError(Invariant($"{Flags(option)} must be a number of seconds from {minimum} to {MaxSeconds}, not '{text}'."));
            return defaultValue;
        };
        return option;
    }

    /// <summary>How the flag is written in messages: <c>-j/--max-concurrent</c>.</summary>
    internal static string Flags(Option option) =>
        string.Join('/', option.Aliases.Where(alias => !alias.StartsWith("--", StringComparison.Ordinal)).Order(StringComparer.Ordinal).Append(option.Name));

    private static int? ParseWhole(ArgumentResult result, Option option, int minimum, int maximum)
    {
        var text = Token(result);
        if (int.TryParse(text, NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite | NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            && value >= minimum && value <= maximum)
        {
            return value;
        }

        result.AddError(Invariant($"{Flags(option)} must be a whole number from {minimum} to {maximum}, not '{text}'."));
        return null;
    }

    private static string Token(ArgumentResult result) => result.Tokens.Count > 0 ? Actions.DisplayText.Clean(result.Tokens[^1].Value, 40) : string.Empty;

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
