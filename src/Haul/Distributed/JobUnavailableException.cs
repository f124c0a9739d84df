namespace Haul.Distributed;

/// <summary>The job's Redis server could not be reached (or refused the login) when the command started.</summary>
internal sealed class JobUnavailableException(JobAddress address, Exception inner)
    : Exception($"Cannot reach Redis at {address}: {inner.Message}", inner);
