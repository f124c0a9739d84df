using System.Globalization;
using Haul.Errors;
using Microsoft.Extensions.Logging;

namespace Haul.Events;

/// <summary>
/// Turns events into log messages: requests, replies, redirects and starts at Debug, headers at
/// Trace, results at Information, retries and failures at Warning. URLs have their passwords masked.
/// </summary>
internal sealed partial class EventLog(ILogger logger)
{
    public bool WantsHeaders => logger.IsEnabled(LogLevel.Trace);

    public void Write(DownloadEvent downloadEvent)
    {
        switch (downloadEvent)
        {
            case DownloadQueued queued:
                LogQueued(queued.Id, UrlText.Masked(queued.Url));
                break;
            case DownloadRequestSent sent:
                LogRequest(sent.Id, sent.Method, UrlText.Masked(sent.Target));
                Headers(sent.Id, ">", sent.Headers);
                break;
            case DownloadResponseReceived received:
                LogResponse(received.Id, received.Status, received.Reason ?? string.Empty, UrlText.Masked(received.Target), Seconds(received.TimeToFirstByte));
                Headers(received.Id, "<", received.Headers);
                break;
            case DownloadRedirected redirected:
                LogRedirect(redirected.Id, redirected.Status, UrlText.Masked(redirected.From), UrlText.Masked(redirected.To));
                break;
            case DownloadStarted started:
                LogStarted(started.Id, started.Status, started.Length?.ToString(CultureInfo.InvariantCulture) ?? "unknown", started.ResumedFrom);
                break;
            case DownloadRetrying retrying:
                LogRetrying(retrying.Id, retrying.Attempt, retrying.Kind.ToName(), retrying.Reason, Seconds(retrying.Wait));
                break;
            case DownloadFinished finished:
                LogFinished(finished.Id, finished.Result.Status.ToString().ToLowerInvariant(), UrlText.Masked(finished.Url), finished.Result.Path ?? "-", finished.Result.Bytes);
                break;
            case DownloadFailed failed:
                LogFailed(failed.Id, failed.Attempts, failed.Error.Kind.ToName(), failed.Error.Message);
                break;
        }
    }

    public void SubscriberFailed(DownloadEvent downloadEvent, Exception exception) =>
        LogSubscriberFailed(downloadEvent.GetType().Name, downloadEvent.Id, exception);

    private static string Seconds(TimeSpan span) => span.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s";

    private void Headers(long id, string direction, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        if (!logger.IsEnabled(LogLevel.Trace))
        {
            return;
        }

        foreach (var (name, value) in headers)
        {
            LogHeader(id, direction, name, value);
        }
    }

    [LoggerMessage(1, LogLevel.Debug, "#{Id} queued {Url}")]
    private partial void LogQueued(long id, string url);

    [LoggerMessage(2, LogLevel.Debug, "#{Id} {Method} {Target}")]
    private partial void LogRequest(long id, string method, string target);

    [LoggerMessage(3, LogLevel.Debug, "#{Id} {Status} {Reason} from {Target} after {Wait}")]
    private partial void LogResponse(long id, int status, string reason, string target, string wait);

    [LoggerMessage(4, LogLevel.Debug, "#{Id} redirect {Status} from {From} to {To}")]
    private partial void LogRedirect(long id, int status, string from, string to);

    [LoggerMessage(5, LogLevel.Debug, "#{Id} receiving: status {Status}, length {Length}, resumed from byte {ResumedFrom}")]
    private partial void LogStarted(long id, int status, string length, long resumedFrom);

    [LoggerMessage(6, LogLevel.Warning, "#{Id} attempt {Attempt} failed ({Kind}): {Reason} Retrying in {Wait}.")]
    private partial void LogRetrying(long id, int attempt, string kind, string reason, string wait);

    [LoggerMessage(7, LogLevel.Information, "#{Id} {Status} {Url} -> {Path} ({Bytes} bytes)")]
    private partial void LogFinished(long id, string status, string url, string path, long bytes);

    [LoggerMessage(8, LogLevel.Warning, "#{Id} failed after {Attempts} attempt(s) ({Kind}): {Message}")]
    private partial void LogFailed(long id, int attempts, string kind, string message);

    [LoggerMessage(9, LogLevel.Trace, "#{Id} {Direction} {Name}: {Value}")]
    private partial void LogHeader(long id, string direction, string name, string value);

    [LoggerMessage(10, LogLevel.Warning, "A subscriber to {Event} of #{Id} threw; the download goes on.")]
    private partial void LogSubscriberFailed(string @event, long id, Exception exception);
}
