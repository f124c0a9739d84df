using Haul.Actions;
using Haul.Datasets;
using Haul.Distributed;

namespace Haul.Cli.Commands;

/// <summary>
/// <c>haul dataset INPUT -d OUT --queue redis://HOST:PORT/JOB</c>: puts the data set's shards (not
/// single pictures) on a job's queue for <c>haul worker</c>s to build into OUT, which every worker
/// must see at the same path, as they must see INPUT. The input is complete, so the job is closed.
/// </summary>
internal static class DatasetQueue
{
    public static async Task<int> EnqueueAsync(string input, DatasetInputOptions inputOptions, DatasetRunOptions options, string queue, CliIo io, CancellationToken cancellationToken)
    {
        var address = JobArguments.Parse(queue);
        await using var job = await JobArguments.ConnectAsync(address, io, cancellationToken);
        if (job is null)
        {
            return ExitCodes.SomeFailed;
        }

        if (await job.IsClosedAsync())
        {
            throw new UsageException($"the job {address.Job} is closed; enqueue into a new job.");
        }

        JobEnqueueResult counts;
        try
        {
            counts = await job.EnqueueDatasetAsync(input, inputOptions, options, cancellationToken);
        }
        catch (IOException ex)
        {
            throw new UsageException($"cannot prepare the output folder '{options.OutputFolder}': {ex.Message}");
        }
        catch (DatasetInputException ex)
        {
            await io.Error.WriteLineAsync($"haul: {DisplayText.Safe(ex.Message)}");
            return ExitCodes.SomeFailed;
        }

        await job.CloseAsync();
        await io.Error.WriteLineAsync($"haul: {counts.Added} shards enqueued, {counts.Duplicates} already in the job ({address}); the job is closed.");
        return ExitCodes.Success;
    }
}
