namespace Haul.Cli.Output;

/// <summary>How a run shows itself.</summary>
internal enum OutputMode
{
    /// <summary>A live Spectre.Console view on stderr, then a summary.</summary>
    Bars,
    /// <summary>Periodic plain progress lines and failures on stderr, then a summary.</summary>
    Plain,
    /// <summary>JSON lines on stdout and nothing on stderr but what went wrong.</summary>
    Json,
    /// <summary>JSON lines on stdout, the live view and the summary on stderr (a terminal).</summary>
    JsonWithBars,
    /// <summary>Only failures' one-line reasons on stderr.</summary>
    Quiet,
}

/// <summary>What each <see cref="OutputMode"/> writes.</summary>
internal static class OutputModes
{
    public static bool WritesJson(this OutputMode mode) => mode is OutputMode.Json or OutputMode.JsonWithBars;

    /// <summary>Failures one line each as they happen; the live view lists them in the summary instead.</summary>
    public static bool PrintsFailures(this OutputMode mode) => mode is OutputMode.Plain or OutputMode.Quiet;
}
