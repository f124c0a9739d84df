namespace Haul.Cli.Commands;

/// <summary>Checks shared by the commands; each failure is a one-line usage error (exit 2).</summary>
internal static class ArgumentChecks
{
    /// <summary>An output directory: an empty name is no directory at all (say '.' for this one).</summary>
    public static string Directory(string path) =>
        string.IsNullOrWhiteSpace(path) || path.Contains('\0', StringComparison.Ordinal)
            ? throw new UsageException("-d/--dir needs a directory name ('.' for the current one).")
            : path;

    /// <summary>A size as users write it: <c>1048576</c>, <c>512K</c>, <c>10MB</c>, <c>2GiB</c> (powers of 1024).</summary>
    public static long Size(string text, string flag) =>
        Input.ByteSize.TryParse(text, out var bytes)
            ? bytes
            : throw new UsageException($"{flag} {text}: a size is a positive number with an optional K, M, G or T suffix (KB and KiB also mean 1024 bytes).");

    /// <summary>A rate in bytes per second, written as a size; <c>0</c> means unlimited (null), as in wget, curl and aria2.</summary>
    public static long? Rate(string? text, string flag) =>
        text is null || IsZero(text) ? null : Size(text, flag);

    private static bool IsZero(string text) =>
        double.TryParse(text.Trim().TrimEnd("KMGTiBkmgtib".ToCharArray()), System.Globalization.NumberStyles.AllowDecimalPoint, System.Globalization.CultureInfo.InvariantCulture, out var value)
        && value == 0;

    /// <summary>An unknown option lands among the URL arguments: no URL starts with a dash.</summary>
    public static string[] UrlsOnly(string[] arguments, string command) =>
        arguments.FirstOrDefault(argument => argument.StartsWith('-')) is { } unknown
            ? throw new UsageException($"unknown option '{unknown}' (see 'haul {command} --help').")
            : arguments;
}
