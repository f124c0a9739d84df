using System.CommandLine;
using Haul.Cli.Running;
using Haul.Distributed;

namespace Haul.Cli.Commands;

/// <summary><c>haul worker redis://HOST:PORT/JOB -d DIR [-j N]</c>: take requests from a distributed job and download them.</summary>
internal static class WorkerCommand
{
    public static Command Create(CliIo io)
    {
        var job = JobArguments.Address();
        var dir = new Option<string>("--dir", "-d") { Description = "This worker's output directory (one per worker), created if missing.", DefaultValueFactory = _ => "." };
        var maxConcurrent = new Option<int>("--max-concurrent", "-j") { Description = "Downloads in flight at once in this worker.", DefaultValueFactory = _ => 16 };
        var maxPerHost = new Option<int>("--max-per-host") { Description = "Connections to one host at once, across all the job's workers.", DefaultValueFactory = _ => 8 };
        var retries = new Option<int>("--retries") { Description = "Attempts after the first, for transient faults.", DefaultValueFactory = _ => 5 };
        var timeout = new Option<double>("--timeout") { Description = "Idle timeout in seconds: no byte for this long fails the attempt.", DefaultValueFactory = _ => 60 };
        var connectTimeout = new Option<double>("--connect-timeout") { Description = "Connect timeout in seconds.", DefaultValueFactory = _ => 20 };
        var noJournal = new Option<bool>("--no-journal") { Description = "Keep no journal in DIR/.haul." };
        var name = new Option<string?>("--name") { Description = "This worker's name in the job (default HOST-PID); unique per worker." };
        var visibility = new Option<double>("--visibility-timeout") { Description = "Seconds without a sign of life before a worker's requests are taken over by others.", DefaultValueFactory = _ => 60 };
        var exitWhenDone = new Option<bool>("--exit-when-done") { Description = "Leave once the job is closed and nothing is queued or in flight (--exit-when-done false: wait for more).", DefaultValueFactory = _ => true };
        var output = new OutputOptions();
        var command = new Command("worker", "Work on a distributed job: take its requests, download them, record the results.")
        {
            job, dir, maxConcurrent, maxPerHost, retries, timeout, connectTimeout, noJournal, name, visibility, exitWhenDone,
        };
        output.AddTo(command);
        var requestFlags = new RequestFlags();
        requestFlags.AddTo(command);
        var speedFlags = new SpeedFlags();
        speedFlags.AddTo(command);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var address = JobArguments.Parse(parseResult.GetValue(job));
            var options = new DownloadOptions
            {
                // Absolute, so that the paths in the job's results say where the files are.
                Directory = Path.GetFullPath(parseResult.GetValue(dir)!),
                MaxConcurrent = ArgumentChecks.AtLeast(parseResult.GetValue(maxConcurrent), 1, "--max-concurrent"),
                MaxPerHost = ArgumentChecks.AtLeast(parseResult.GetValue(maxPerHost), 1, "--max-per-host"),
                Retries = ArgumentChecks.AtLeast(parseResult.GetValue(retries), 0, "--retries"),
                IdleTimeout = JobArguments.Seconds(parseResult.GetValue(timeout), "--timeout"),
                ConnectTimeout = JobArguments.Seconds(parseResult.GetValue(connectTimeout), "--connect-timeout"),
                UseJournal = !parseResult.GetValue(noJournal),
            };
            options = await requestFlags.ApplyAsync(parseResult, speedFlags.Apply(parseResult, options), io);
            var workerOptions = Options(parseResult.GetValue(name), JobArguments.Seconds(parseResult.GetValue(visibility), "--visibility-timeout"), parseResult.GetValue(exitWhenDone));
            return await RunAsync(address, options, workerOptions, output.Read(parseResult, io), io, cancellationToken);
        });
        return command;
    }

    public static WorkerOptions Options(string? name, TimeSpan visibilityTimeout, bool exitWhenDone)
    {
        if (name is not null && (name.Length == 0 || name.Any(char.IsWhiteSpace)))
        {
            throw new UsageException("--name must be a word without spaces.");
        }

        var options = new WorkerOptions { VisibilityTimeout = visibilityTimeout, ExitWhenDone = exitWhenDone };
        return name is null ? options : options with { Name = name };
    }

    /// <summary>Runs a worker the way <c>haul get</c> runs a download: progress, JSON lines, summary, exit code.</summary>
    public static async Task<int> RunAsync(JobAddress address, DownloadOptions options, WorkerOptions workerOptions, Output.OutputMode mode, CliIo io, CancellationToken cancellationToken)
    {
        await using var connection = await JobArguments.ConnectAsync(address, io, cancellationToken);
        if (connection is null)
        {
            return ExitCodes.SomeFailed;
        }

        QueueWorker worker;
        try
        {
            worker = await QueueWorker.StartAsync(connection, options, workerOptions);
        }
        catch (WorkerDirectoryInUseException ex)
        {
            throw new UsageException(ex.Message);
        }

        await using (worker)
        {
            return await DownloadRun.ExecuteAsync(options.Directory, worker.RunAsync(cancellationToken), worker.GetProgress, mode, io, cancellationToken);
        }
    }
}
