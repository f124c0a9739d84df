namespace Haul.Cli;

/// <summary>The exit codes of the CLI contract.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int SomeFailed = 1;
    public const int Usage = 2;
    public const int Interrupted = 130;

    /// <summary>
    /// Output closed: the reader of stdout went away (<c>| head -1</c>) and the run stopped, its
    /// <c>.part</c> files kept. 128 + SIGPIPE, the status a shell shows for a program a closed pipe ended.
    /// </summary>
    public const int OutputClosed = 141;
}
