using Haul.Errors;

namespace Haul.Transfer;

/// <summary>What planning decided: a transfer to run, or a result known without any request.</summary>
internal readonly record struct PlanResult(DownloadTarget? Target, DownloadResult? Immediate)
{
    public static PlanResult Run(DownloadTarget target) => new(target, null);

    public static PlanResult Done(DownloadResult result) => new(null, result);

    public static PlanResult Fail(DownloadRequest request, HaulException error) =>
        new(null, new DownloadResult { Request = request, Status = DownloadStatus.Failed, Error = error });
}
