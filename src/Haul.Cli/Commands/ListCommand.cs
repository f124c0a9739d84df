using System.CommandLine;
using System.Data.Common;
using Haul.Cli.Output;
using Haul.Journal;

namespace Haul.Cli.Commands;

/// <summary><c>haul list [-d DIR] [--failed|--pending|--done] [--json]</c>: what the journal says is there, failed, pending.</summary>
internal static class ListCommand
{
    public static Command Create(CliIo io)
    {
        var dir = new Option<string>("--dir", "-d") { Description = "The output directory whose journal to read.", DefaultValueFactory = _ => "." };
        var failed = new Option<bool>("--failed") { Description = "Only failed requests." };
        var pending = new Option<bool>("--pending") { Description = "Only requests not finished yet (queued or active)." };
        var done = new Option<bool>("--done") { Description = "Only saved files." };
        var json = new Option<bool>("--json") { Description = "One JSON object per entry on stdout, nothing else there." };

        var command = new Command("list", "What the journal says is there, failed, pending.") { dir, failed, pending, done, json };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var filter = Filter(parseResult.GetValue(done), parseResult.GetValue(failed), parseResult.GetValue(pending));
            var directory = ArgumentChecks.Directory(parseResult.GetValue(dir)!);
            var journalPath = DownloadJournal.PathFor(directory);
            if (!File.Exists(journalPath))
            {
                throw new UsageException($"no journal in {FullPath(directory)} (nothing downloaded there yet, or it ran with --no-journal).");
            }

            try
            {
                var entries = DownloadJournal.ReadAsync(journalPath, filter, cancellationToken);
                if (parseResult.GetValue(json))
                {
                    await JournalJsonWriter.WriteAllAsync(io.Out, directory, entries);
                }
                else
                {
                    await JournalTable.WriteAsync(io.Out, directory, entries);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return ExitCodes.Interrupted;
            }
            catch (DbException ex)
            {
                throw new UsageException($"cannot read the journal {FullPath(journalPath)}: {ex.Message}");
            }

            return ExitCodes.Success;
        });
        return command;
    }

    private static JournalFilter Filter(bool done, bool failed, bool pending) => (done, failed, pending) switch
    {
        (false, false, false) => JournalFilter.All,
        (true, false, false) => JournalFilter.Done,
        (false, true, false) => JournalFilter.Failed,
        (false, false, true) => JournalFilter.Pending,
        _ => throw new UsageException("--done, --failed and --pending exclude each other; pass at most one."),
    };

    private static string FullPath(string path)
    {
        try
        {
            return Path.GetFullPath(path.Length == 0 ? "." : path);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or NotSupportedException)
        {
            return path;
        }
    }
}
