using Haul.Journal;
using Haul.Storage;

namespace Haul.Datasets;

/// <summary>
/// The mark <c>haul dataset --queue</c> leaves in the output folder, <c>OUT/.haul/dataset-job-JOB</c>,
/// holding the input's path. A worker builds a shard only into a folder marked for its job and from
/// the input the mark names: whoever can write to the queue cannot make workers write elsewhere
/// than a folder the job's owner prepared, nor read another input into it.
/// </summary>
internal static class DatasetQueueMark
{
    public static void Write(string outputFolder, string job, string input)
    {
        var path = HaulFolder.Prepare(outputFolder, Name(job));
        File.WriteAllText(path, input);
    }

    public static bool Matches(string outputFolder, string job, string input)
    {
        var folder = Path.Combine(outputFolder, DownloadJournal.FolderName);
        var path = Path.Combine(folder, Name(job));
        if (NoFollow.IsLink(folder) || NoFollow.IsLink(path) || !File.Exists(path))
        {
            return false;
        }

        return string.Equals(File.ReadAllText(path), input, StringComparison.Ordinal);
    }

    private static string Name(string job) => "dataset-job-" + job;
}
