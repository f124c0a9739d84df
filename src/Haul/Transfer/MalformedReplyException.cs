namespace Haul.Transfer;

/// <summary>Raised by <see cref="ReplyHeadGuard"/> inside the handler's read; mapped to a non-transient <c>protocol</c> error.</summary>
internal sealed class MalformedReplyException(string message) : IOException(message);
