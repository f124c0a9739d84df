namespace Haul.Events;

/// <summary>The status line and headers of a reply arrived (the body, if any, follows).</summary>
/// <param name="Id">The download's number.</param>
/// <param name="Url">The requested URL.</param>
/// <param name="At">When the headers arrived.</param>
/// <param name="Target">The URL that answered.</param>
/// <param name="Status">The HTTP status code.</param>
/// <param name="Reason">The reason phrase, when the server sent one.</param>
/// <param name="TimeToFirstByte">From sending the request to the reply's headers.</param>
/// <param name="Headers">The reply's headers, <c>Set-Cookie</c> and other credentials masked as in <see cref="DownloadRequestSent.Headers"/>.</param>
public sealed record DownloadResponseReceived(long Id, string Url, DateTimeOffset At, Uri Target, int Status, string? Reason, TimeSpan TimeToFirstByte, IReadOnlyList<KeyValuePair<string, string>> Headers) : DownloadEvent(Id, Url, At);
