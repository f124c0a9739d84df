namespace Haul.Cli.Output;

/// <summary>Shows a run's progress on stderr while the run's work goes on.</summary>
internal interface IProgressView
{
    Task ShowWhileAsync(Task work);
}
