namespace Haul.Errors;

/// <summary>
/// Raised by <see cref="Transfer.ReplyHeadGuard"/> inside the handler's read; mapped to a
/// non-transient <c>protocol</c> error. Here, beside the factory that maps it, so that errors
/// depend on no stage.
/// </summary>
internal sealed class MalformedReplyException(string message) : IOException(message);
