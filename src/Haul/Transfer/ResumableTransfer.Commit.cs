using Haul.Errors;
using Haul.Storage;

namespace Haul.Transfer;

internal sealed partial class ResumableTransfer
{
    /// <summary>
    /// The finished body against the request's rules (<c>--min-size</c>, the expected checksum),
    /// then to Storage: the part is verified on disk and moved to its final name (or linked to its twin).
    /// </summary>
    private AttemptOutcome Commit(TransferState state)
    {
        if (state.Target.Request.Filter?.MinSize is { } minSize && state.Digest.Length < minSize)
        {
            throw new ContentRefusedException($"{state.Digest.Length} bytes, under --min-size {minSize}");
        }

        var sha256 = state.Digest.Sha256Hex();
        var writtenInOneWrite = state.WrittenInOneWrite;
        state.WrittenInOneWrite = false;
        if (PartCommit.FindChange(state.Url, state.Part, state.Digest.Length, sha256, writtenInOneWrite) is { } problem)
        {
            state.Digest.Reset();
            state.DiscardPart = true;
            throw HaulErrors.PartChanged(state.Url, state.Part.Path, problem);
        }

        if (state.Target.Request.Checksum is { } expected && state.Digest.ChecksumHex() is { } actual && actual != expected.Hex)
        {
            state.Part.Delete();
            state.Digest.Reset();
            throw HaulErrors.Checksum(state.Url, expected.AlgorithmName, expected.Hex, actual);
        }

        var target = state.Target;
        var place = new CommitPlace(target.Directory, target.Name, target.Path, target.NameIsFixed, state.DispositionName, target.ReplacesExisting);
        var committed = _commit.Commit(state.Url, state.Part, place, sha256, state.Digest.Length);
        return new AttemptOutcome(committed.Path, Note: committed.Note);
    }
}
