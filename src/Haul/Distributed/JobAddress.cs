using System.Diagnostics.CodeAnalysis;
using System.Text.RegularExpressions;
using StackExchange.Redis;

namespace Haul.Distributed;

/// <summary>
/// Where a distributed job lives: <c>redis://[user:password@]HOST[:PORT]/JOB</c> (or <c>rediss://</c>
/// for TLS). The job name keeps its keys apart from other jobs on the same server.
/// </summary>
internal sealed partial record JobAddress(string Host, int Port, string Job, bool Tls)
{
    internal string? User { get; init; }

    internal string? Password { get; init; }

    /// <summary>Parses a job address; <paramref name="error"/> says what is wrong with it otherwise.</summary>
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
