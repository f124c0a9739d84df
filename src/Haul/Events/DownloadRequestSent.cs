namespace Haul.Events;

/// <summary>A request of the download is going out (every attempt, redirect and piece sends one).</summary>
/// <param name="Id">The download's number.</param>
/// <param name="Url">The requested URL.</param>
/// <param name="At">When it was sent.</param>
/// <param name="Method">The HTTP method.</param>
/// <param name="Target">The URL this request goes to.</param>
/// <param name="Headers">
/// The request's headers as sent, credentials masked: <c>Authorization</c>,
/// <c>Proxy-Authorization</c>, <c>Cookie</c> and any header whose name holds <c>token</c>,
/// <c>secret</c>, <c>key</c> or <c>password</c> read <c>***</c>.
/// </param>
public sealed record DownloadRequestSent(long Id, string Url, DateTimeOffset At, string Method, Uri Target, IReadOnlyList<KeyValuePair<string, string>> Headers) : DownloadEvent(Id, Url, At);
