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
        var maxConcurrent = NumberOptions.Whole("--max-concurrent", "-j", 1, 10_000, 16, "Downloads in flight at once in this worker.");
        var maxPerHost = NumberOptions.Whole("--max-per-host", null, 1, 10_000, 8, "Connections to one host at once, across all the job's workers.");
        var noJournal = new Option<bool>("--no-journal") { Description = "Keep no journal in DIR/.haul." };
        var name = new Option<string?>("--name") { Description = "This worker's name in the job (default HOST-PID); unique per worker." };
        var visibility = NumberOptions.Seconds("--visibility-timeout", 0.1, 60, "Seconds without a sign of life before a worker's requests are taken over by others.");
        var exitWhenDone = new Option<bool>("--exit-when-done") { Description = "Leave once the job is closed and nothing is queued or in flight (--exit-when-done false: wait for more).", DefaultValueFactory = _ => true };
        var output = new OutputOptions();
        var command = new Command("worker", "Work on a distributed job: take its requests, download them, record the results.")
        {
            job, dir, maxConcurrent, maxPerHost, noJournal, name, visibility, exitWhenDone,
        };
        output.AddTo(command);
        var attemptFlags = new AttemptFlags();
        attemptFlags.AddTo(command);
        var requestFlags = new RequestFlags();
        requestFlags.AddTo(command);
        var speedFlags = new SpeedFlags();
        speedFlags.AddTo(command);
        var verboseFlags = new VerboseFlags();
        verboseFlags.AddTo(command);
        dir.Aliases.Add("-P");
        var transferFlags = new TransferFlags();
        transferFlags.AddTo(command);

        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var address = JobArguments.Parse(parseResult.GetValue(job));
            var options = new DownloadOptions
            {
                // Absolute, so that the paths in the job's results say where the files are.
                Directory = Path.GetFullPath(ArgumentChecks.Directory(parseResult.GetValue(dir)!)),
                MaxConcurrent = parseResult.GetValue(maxConcurrent),
                MaxPerHost = parseResult.GetValue(maxPerHost),
                UseJournal = !parseResult.GetValue(noJournal),
            };
            options = await requestFlags.ApplyAsync(parseResult, speedFlags.Apply(parseResult, attemptFlags.Apply(parseResult, options)), io);
            options = transferFlags.Apply(parseResult, options);
            var workerOptions = Options(parseResult.GetValue(name), TimeSpan.FromSeconds(parseResult.GetValue(visibility)), parseResult.GetValue(exitWhenDone));
            using var log = verboseFlags.Open(parseResult, io);
            return await RunAsync(address, options with { Logger = log.Logger }, workerOptions, output.Read(parseResult, io), io, log, cancellationToken);
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
    public static async Task<int> RunAsync(JobAddress address, DownloadOptions options, WorkerOptions workerOptions, Output.OutputMode mode, CliIo io, Output.RunLog log, CancellationToken cancellationToken)
    {
        await using var job = await JobArguments.ConnectAsync(address, io, cancellationToken);
        if (job is null)
        {
            return ExitCodes.SomeFailed;
        }

        QueueWorker worker;
        try
        {
            worker = await job.StartWorkerAsync(options, workerOptions);
        }
        catch (WorkerDirectoryInUseException ex)
        {
            throw new UsageException(ex.Message);
        }
        catch (IOException ex)
        {
            // The directory cannot be claimed: a symbolic link where the lock goes, a read-only disk.
            throw new UsageException(ex.Message);
        }

        await using (worker)
        {
            return await DownloadRun.ExecuteAsync(options.Directory, worker.RunAsync, worker.GetProgress, mode, io, log, worker.Engine, cancellationToken);
        }
    }
}
