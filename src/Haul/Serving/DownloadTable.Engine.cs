using System.Runtime.CompilerServices;
using Haul.Events;

namespace Haul.Serving;

internal sealed partial class DownloadTable
{
    private static readonly TimeSpan SampleInterval = TimeSpan.FromSeconds(1);

    /// <summary>The download the feed handed to the engine last, waiting for its engine id.</summary>
    private ServedDownload? _lastFed;
    private long _lastSample;

    /// <summary>
    /// Runs the engine over the queue until <paramref name="cancellationToken"/> is cancelled;
    /// transfers then stop with their <c>.part</c> kept, and their rows stay unfinished for the next start.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);

        // Registered after the linked source, so it runs first: the table knows it stops before the
        // engine cancels its transfers, and their cancellations are not taken for failures.
        using var stopping = cancellationToken.Register(MarkStopping);
        var sampling = SampleAsync(stop.Token);
        Pump();
        try
        {
            await foreach (var unused in _downloader.DownloadAsync(FeedAsync(stop.Token), stop.Token).ConfigureAwait(false))
            {
                // Results are taken from the engine's events, which carry the download's number.
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        finally
        {
            MarkStopping();
            await stop.CancelAsync().ConfigureAwait(false);
            try
            {
                await sampling.ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
    }

    private void MarkStopping()
    {
        lock (_gate)
        {
            _stopping = true;
        }
    }

    private async IAsyncEnumerable<DownloadRequest> FeedAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await foreach (var download in _feed.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
        {
            lock (_gate)
            {
                download.InFeed = false;
                if (download.State != ServedState.Active || download.Fed)
                {
                    continue;
                }

                download.Fed = true;
                _lastFed = download;
            }

            yield return download.Request;
        }
    }

    private void OnEngineEvent(object? sender, DownloadEvent raised)
    {
        var notes = new List<(string Method, string Gid)>();
        Action? engineCall = null;
        var pump = false;
        lock (_gate)
        {
            if (raised is DownloadQueued)
            {
                if (_lastFed is { } fed)
                {
                    fed.EngineId = raised.Id;
                    _byEngineId[raised.Id] = fed;
                    _lastFed = null;
                }

                return;
            }

            if (!_byEngineId.TryGetValue(raised.Id, out var download))
            {
                return;
            }

            switch (raised)
            {
                case DownloadStarted started:
                    download.TotalLength = started.Length ?? 0;
                    download.CompletedLength = started.ResumedFrom;
                    break;
                case DownloadFinished finished:
                    _byEngineId.Remove(raised.Id);
                    download.Path = finished.Result.Path;
                    download.TotalLength = download.CompletedLength = finished.Result.Bytes;
                    pump = Stop(download, ServedState.Complete, notes);
                    break;
                case DownloadFailed failed when !_stopping:
                    _byEngineId.Remove(raised.Id);
                    if (download.State == ServedState.Removed)
                    {
                        pump = Stop(download, ServedState.Removed, notes);
                    }
                    else
                    {
                        download.ErrorKind = failed.Error.Kind;
                        download.ErrorCode = Aria2ErrorCodes.For(failed.Error);
                        download.ErrorMessage = failed.Error.Message;
                        pump = Stop(download, ServedState.Error, notes);
                    }

                    break;
            }

            // A pause or remove that came while the engine had the request but no number for it yet.
            if (download.PendingEngineCall is { } pending && raised is not (DownloadFinished or DownloadFailed))
            {
                download.PendingEngineCall = null;
                var id = raised.Id;
                engineCall = pending == ServedState.Removed ? () => _downloader.Remove(id) : () => _downloader.Pause(id);
            }
        }

        engineCall?.Invoke();
        Notify(notes);
        if (pump)
        {
            Pump();
        }
    }

    /// <summary>Moves a download to the stopped list; true (a slot may be free).</summary>
    private bool Stop(ServedDownload download, ServedState state, List<(string Method, string Gid)> notes)
    {
        _active.Remove(download);
        _queue.Remove(download);
        download.State = state;
        download.Speed = 0;
        download.HeldByEngine = false;
        _stopped.Add(download);
        _stoppedTotal++;
        Save(download, _nextStopPosition++);
        TrimStopped();
        notes.Add((state switch
        {
            ServedState.Complete => "aria2.onDownloadComplete",
            ServedState.Error => "aria2.onDownloadError",
            _ => "aria2.onDownloadStop",
        }, download.Gid));
        return true;
    }

    /// <summary>Starts waiting downloads, in queue order, while fewer than <see cref="MaxConcurrent"/> run.</summary>
    private void Pump()
    {
        var notes = new List<(string Method, string Gid)>();
        var resumes = new List<long>();
        lock (_gate)
        {
            if (_stopping)
            {
                return;
            }

            while (_active.Count < MaxConcurrent && _queue.Find(download => download.State == ServedState.Waiting) is { } next)
            {
                _queue.Remove(next);
                _active.Add(next);
                next.State = ServedState.Active;
                if (next.HeldByEngine)
                {
                    next.HeldByEngine = false;
                    if (next.PendingEngineCall is not null)
                    {
                        // The pause never reached the engine: nothing to resume.
                        next.PendingEngineCall = null;
                    }
                    else
                    {
                        resumes.Add(next.EngineId);
                    }
                }
                else if (!next.Fed && !next.InFeed)
                {
                    next.InFeed = true;
                    _feed.Writer.TryWrite(next);
                }

                Save(next);
                notes.Add(("aria2.onDownloadStart", next.Gid));
            }
        }

        foreach (var id in resumes)
        {
            _downloader.Resume(id);
        }

        Notify(notes);
    }

    private void Notify(List<(string Method, string Gid)> notes)
    {
        foreach (var (method, gid) in notes)
        {
            Notified?.Invoke(method, gid);
        }
    }

    /// <summary>Takes the bytes of the transfers in flight from the engine's progress snapshot.</summary>
    private void RefreshProgress(bool sample = false)
    {
        var progress = _downloader.GetProgress();
        lock (_gate)
        {
            var now = _time.GetTimestamp();
            var seconds = _lastSample == 0 ? 0 : _time.GetElapsedTime(_lastSample, now).TotalSeconds;
            var seen = new HashSet<ServedDownload>();
            foreach (var transfer in progress.Active)
            {
                if (!_byEngineId.TryGetValue(transfer.DownloadId, out var download) || download.IsStopped)
                {
                    continue;
                }

                seen.Add(download);
                if (sample && seconds > 0)
                {
                    download.Speed = (long)Math.Max(0, (transfer.Received - download.SampledLength) / seconds);
                    download.SampledLength = transfer.Received;
                }

                download.CompletedLength = transfer.Received;
                download.TotalLength = transfer.Length ?? download.TotalLength;
                download.Path ??= PathOf(download, transfer.Name);
            }

            if (sample)
            {
                _lastSample = now;
                foreach (var download in _active)
                {
                    if (!seen.Contains(download))
                    {
                        download.Speed = 0;
                        download.SampledLength = download.CompletedLength;
                    }
                }
            }
        }
    }

    private async Task SampleAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            await Task.Delay(SampleInterval, _time, cancellationToken).ConfigureAwait(false);
            RefreshProgress(sample: true);
        }
    }

    private string PathOf(ServedDownload download, string name)
    {
        var folder = Storage.OutPath.Split(download.Request.OutName).SubDirectory;
        return Path.Combine(_root, download.Request.Directory ?? string.Empty, folder ?? string.Empty, name);
    }

    /// <summary>Writes one download's row; a waiting one together with whatever its queue's order needs.</summary>
    private void Save(ServedDownload download)
    {
        if (_queue.Contains(download))
        {
            SaveQueue(download);
        }
        else
        {
            Save(download, -1);
        }
    }

    private void Save(ServedDownload download, long position) => SaveRows([(download, position)]);

    /// <summary>
    /// Keeps the journal's positions in the queue's order, in one transaction, writing only the rows
    /// whose position must change (and <paramref name="changed"/>): positions may have gaps, never
    /// an inversion, so a restart lists the queue as it was.
    /// </summary>
    private void SaveQueue(ServedDownload? changed = null)
    {
        var rows = new List<(ServedDownload, long)>();
        long previous = -1;
        foreach (var download in _queue)
        {
            var position = download.SavedPosition is { } saved && saved > previous ? saved : previous + 1;
            if (position != download.SavedPosition || download == changed)
            {
                rows.Add((download, position));
            }

            previous = position;
        }

        SaveRows(rows);
    }

    private void SaveRows(List<(ServedDownload Download, long Position)> rows)
    {
        if (_store is null)
        {
            return;
        }

        try
        {
            _store.SaveAll(rows);
            foreach (var (download, position) in rows)
            {
                download.SavedPosition = position;
            }
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // The queue goes on in memory; a restart would not find this change.
            _store.CountFailure();
        }
    }
}
