namespace Haul.Cli.Serve;

/// <summary>A JSON-RPC error reply: aria2's code (1 for most failures) and its message.</summary>
internal sealed class RpcFault(int code, string message) : Exception(message)
{
    public const int ParseError = -32700;
    public const int InvalidRequest = -32600;

    public int Code { get; } = code;

    public static RpcFault Failed(string message) => new(1, message);

    /// <summary>A call the daemon could not carry out for a reason of its own; nothing of it is shown to the client.</summary>
    public static RpcFault Internal() => new(1, "The daemon could not carry out this call.");

    public static RpcFault Unauthorized() => new(1, "Unauthorized");

    public static RpcFault GidNotFound(string gid) => new(1, $"GID {gid} is not found");
}
