namespace Haul.Distributed;

/// <summary>The job's Redis server could not be reached (or refused the login) when the connection was made.</summary>
public sealed class JobUnavailableException : Exception
{
    internal JobUnavailableException(JobAddress address, Exception inner)
        : base($"Cannot reach Redis at {address}: {inner.Message}", inner)
    {
        Address = address;
    }

    /// <summary>The job that could not be reached (its password is never part of the message).</summary>
    public JobAddress Address { get; }
}
