namespace Haul.Datasets;

/// <summary>
/// A data set's input cannot be read as asked: no such file, a folder without files of the format,
/// a missing column, a file that is not of its format. Nothing is fetched for a file that fails this way.
/// </summary>
public sealed class DatasetInputException : Exception
{
    internal DatasetInputException(string path, string message, Exception? inner = null)
        : base(message, inner)
    {
        Path = path;
    }

    /// <summary>The input file or folder concerned.</summary>
    public string Path { get; }
}
