namespace Haul.Cli.Output;

/// <summary>How a run shows itself.</summary>
internal enum OutputMode
{
    /// <summary>A live Spectre.Console view on stderr, then a summary.</summary>
    Bars,
    /// <summary>Periodic plain progress lines and failures on stderr, then a summary.</summary>
    Plain,
    /// <summary>JSON lines on stdout; only failures' one-line reasons on stderr.</summary>
    Json,
    /// <summary>Only failures' one-line reasons on stderr.</summary>
    Quiet,
}
