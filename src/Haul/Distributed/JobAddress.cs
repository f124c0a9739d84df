using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace Haul.Distributed;

/// <summary>
/// Where a distributed job lives: <c>redis://[user:password@]HOST[:PORT]/JOB</c> (or <c>rediss://</c>
/// for TLS). The job name keeps its keys apart from other jobs on the same server.
/// </summary>
/// <param name="Host">The Redis server's host name or address.</param>
/// <param name="Port">The Redis server's port (6379 unless given).</param>
/// <param name="Job">The job's name: letters, digits, '.', '_' or '-'.</param>
/// <param name="Tls">Whether the connection uses TLS (<c>rediss://</c>).</param>
public sealed partial record JobAddress(string Host, int Port, string Job, bool Tls)
{
    internal string? User { get; init; }

    internal string? Password { get; init; }

    /// <summary>Parses a job address, or fails with a <see cref="FormatException"/> that says what is wrong with it.</summary>
    /// <param name="text">The address, <c>redis://[user:password@]HOST[:PORT]/JOB</c>.</param>
    /// <returns>The address.</returns>
    public static JobAddress Parse(string? text) =>
        TryParse(text, out var address, out var error) ? address : throw new FormatException($"{error}.");

    /// <summary>Parses a job address; <paramref name="error"/> says what is wrong with it otherwise.</summary>
    /// <param name="text">The address, <c>redis://[user:password@]HOST[:PORT]/JOB</c>.</param>
    /// <param name="address">The address, when it parses.</param>
    /// <param name="error">Why it does not parse, as a sentence without its final full stop.</param>
    /// <returns>Whether <paramref name="text"/> is a job address.</returns>
    public static bool TryParse(string? text, [NotNullWhen(true)] out JobAddress? address, [NotNullWhen(false)] out string? error)
    {
        address = null;
        if (!Uri.TryCreate(text, UriKind.Absolute, out var uri) || uri.Scheme is not ("redis" or "rediss"))
        {
            error = $"'{text}' is not a job address; write redis://HOST:PORT/JOB";
            return false;
        }

        var job = Uri.UnescapeDataString(uri.AbsolutePath.Trim('/'));
        if (!JobName().IsMatch(job))
        {
            error = $"'{text}' names no job; write redis://HOST:PORT/JOB, JOB being letters, digits, '.', '_' or '-'";
            return false;
        }

        string? user = null;
        string? password = null;
        if (uri.UserInfo.Length > 0)
        {
            var colon = uri.UserInfo.IndexOf(':', StringComparison.Ordinal);
            user = Uri.UnescapeDataString(colon < 0 ? uri.UserInfo : uri.UserInfo[..colon]);
            password = colon < 0 ? null : Uri.UnescapeDataString(uri.UserInfo[(colon + 1)..]);
            if (colon < 0)
            {
                // redis://SECRET@host/job: a password alone, as redis-cli -u reads it.
                (user, password) = (null, user);
            }
        }

        address = new JobAddress(uri.IdnHost, uri.IsDefaultPort || uri.Port < 0 ? 6379 : uri.Port, job, uri.Scheme == "rediss")
        {
            User = string.IsNullOrEmpty(user) ? null : user,
            Password = password,
        };
        error = null;
        return true;
    }

    /// <summary>The address without its password, for messages.</summary>
    public override string ToString() => $"{(Tls ? "rediss" : "redis")}://{(Host.Contains(':', StringComparison.Ordinal) ? $"[{Host}]" : Host)}:{Port}/{Job}";

    internal ConfigurationOptions ToConfiguration()
    {
        var configuration = new ConfigurationOptions
        {
            EndPoints = { { Host, Port } },
            User = User,
            Password = Password,
            Ssl = Tls,
            // Keep trying in the background: a worker outlives a Redis restart.
            AbortOnConnectFail = false,
            ConnectTimeout = 5000,
            SyncTimeout = 10000,
            AsyncTimeout = 10000,
            KeepAlive = 5,
            ConnectRetry = 2,
            ReconnectRetryPolicy = new ExponentialRetry(250, 5000),
            ClientName = "haul",
        };
        return configuration;
    }

    [GeneratedRegex("^[A-Za-z0-9._-]{1,128}$")]
    private static partial Regex JobName();
}
