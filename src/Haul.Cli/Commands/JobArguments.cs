using System.CommandLine;
using Haul.Distributed;

namespace Haul.Cli.Commands;

/// <summary>The job address every distributed command takes, and the connection to it.</summary>
internal static class JobArguments
{
    public static Argument<string> Address() => new("job") { Description = "The job: redis://HOST:PORT/JOB (rediss:// for TLS; user:password@ before HOST if Redis asks)." };

    public static JobAddress Parse(string? text) =>
        JobAddress.TryParse(text, out var address, out var error) ? address : throw new UsageException($"{error}.");

    /// <summary>Connects, or reports on stderr why it cannot and returns null (exit 1).</summary>
    public static async Task<Job?> ConnectAsync(JobAddress address, CliIo io, CancellationToken cancellationToken)
    {
        try
        {
            return await Job.ConnectAsync(address, cancellationToken);
        }
        catch (JobUnavailableException ex)
        {
            await io.Error.WriteLineAsync($"haul: {Actions.DisplayText.Safe(ex.Message)}");
            return null;
        }
    }
}
