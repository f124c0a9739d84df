namespace Haul.Cli;

/// <summary>The exit codes of the CLI contract.</summary>
internal static class ExitCodes
{
    public const int Success = 0;
    public const int SomeFailed = 1;
    public const int Usage = 2;
    public const int Interrupted = 130;
}
