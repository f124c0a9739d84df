namespace Haul.Cli.Demo;

/// <summary>What a demo file does on its first request, to show retries and resume at work.</summary>
internal enum DemoFault
{
    None,
    /// <summary>Sends half the body, then drops the connection; the retry resumes with Range.</summary>
    DropOnce,
    /// <summary>Answers 503 with <c>Retry-After: 1</c> once.</summary>
    UnavailableOnce,
}
