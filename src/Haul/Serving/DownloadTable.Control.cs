namespace Haul.Serving;

internal sealed partial class DownloadTable
{
    /// <summary>aria2's <c>pause</c>: an active download stops (its <c>.part</c> kept) and waits, paused, at the head of the queue.</summary>
    public ServedChange Pause(string gid)
    {
        Action? engineCall;
        lock (_gate)
        {
            if (!_byGid.TryGetValue(gid, out var download))
            {
                return ServedChange.NotFound;
            }

            if (download.State is not (ServedState.Active or ServedState.Waiting))
            {
                return ServedChange.WrongState;
            }

            engineCall = PauseLocked(download);
        }

        engineCall?.Invoke();
        Notified?.Invoke("aria2.onDownloadPause", gid);
        Pump();
        return ServedChange.Done;
    }

    /// <summary>aria2's <c>unpause</c>: a paused download waits again for a slot, where it stands in the queue.</summary>
    public ServedChange Unpause(string gid)
    {
        lock (_gate)
        {
            if (!_byGid.TryGetValue(gid, out var download))
            {
                return ServedChange.NotFound;
            }

            if (download.State != ServedState.Paused)
            {
                return ServedChange.WrongState;
            }

            download.State = ServedState.Waiting;
            Save(download);
        }

        Pump();
        return ServedChange.Done;
    }

    /// <summary>aria2's <c>remove</c>: the download stops for good (its <c>.part</c> kept) and moves to the stopped list as removed.</summary>
    public ServedChange Remove(string gid)
    {
        var notes = new List<(string Method, string Gid)>();
        long engineId = 0;
        lock (_gate)
        {
            if (!_byGid.TryGetValue(gid, out var download))
            {
                return ServedChange.NotFound;
            }

            if (download.IsStopped)
            {
                return ServedChange.WrongState;
            }

            if (download.Fed && download.EngineId == 0)
            {
                // The engine has it but has not numbered it: removed at its next event.
                download.State = ServedState.Removed;
                download.PendingEngineCall = ServedState.Removed;
                _active.Remove(download);
                _queue.Remove(download);
                Save(download, -1);
            }
            else if (download.Fed)
            {
                download.State = ServedState.Removed;
                engineId = download.EngineId;
            }
            else
            {
                Stop(download, ServedState.Removed, notes);
            }
        }

        if (engineId != 0)
        {
            _downloader.Remove(engineId);
        }

        Notify(notes);
        Pump();
        return ServedChange.Done;
    }

    /// <summary>Pauses every active and waiting download.</summary>
    public void PauseAll()
    {
        var calls = new List<Action>();
        var paused = new List<string>();
        lock (_gate)
        {
            foreach (var download in _active.Concat(_queue).Where(d => d.State is ServedState.Active or ServedState.Waiting).ToList())
            {
                if (PauseLocked(download) is { } call)
                {
                    calls.Add(call);
                }

                paused.Add(download.Gid);
            }
        }

        foreach (var call in calls)
        {
            call();
        }

        foreach (var gid in paused)
        {
            Notified?.Invoke("aria2.onDownloadPause", gid);
        }
    }

    /// <summary>Lets every paused download wait for a slot again.</summary>
    public void UnpauseAll()
    {
        lock (_gate)
        {
            foreach (var download in _queue.Where(d => d.State == ServedState.Paused))
            {
                download.State = ServedState.Waiting;
                Save(download);
            }
        }

        Pump();
    }

    /// <summary>
    /// aria2's <c>changePosition</c> in the waiting queue: <paramref name="how"/> is <c>POS_SET</c>
    /// (from the head), <c>POS_CUR</c> (from where it is) or <c>POS_END</c> (from the tail); the
    /// result is clamped to the queue. Null when the gid is not waiting or paused.
    /// </summary>
    public int? ChangePosition(string gid, int pos, string how)
    {
        lock (_gate)
        {
            if (!_byGid.TryGetValue(gid, out var download) || _queue.IndexOf(download) is var current && current < 0)
            {
                return null;
            }

            var target = how switch
            {
                "POS_SET" => pos,
                "POS_CUR" => current + pos,
                _ => _queue.Count - 1 + pos,
            };
            target = Math.Clamp(target, 0, _queue.Count - 1);
            _queue.RemoveAt(current);
            _queue.Insert(target, download);
            SaveQueue();
            return target;
        }
    }

    /// <summary>aria2's <c>purgeDownloadResult</c>: forgets every stopped download.</summary>
    public void PurgeStopped()
    {
        lock (_gate)
        {
            foreach (var download in _stopped)
            {
                _byGid.Remove(download.Gid);
            }

            Forget([.. _stopped.Select(download => download.Gid)]);
            _stopped.Clear();
        }
    }

    /// <summary>aria2's <c>max-download-result</c>: how many stopped downloads are kept; the oldest past it are forgotten at once.</summary>
    public void SetMaxDownloadResult(int max)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(max);
        lock (_gate)
        {
            MaxDownloadResult = max;
            TrimStopped();
        }
    }

    /// <summary>Forgets the oldest stopped downloads past <see cref="MaxDownloadResult"/>, their journal rows in one transaction.</summary>
    private void TrimStopped()
    {
        var over = _stopped.Count - MaxDownloadResult;
        if (over <= 0)
        {
            return;
        }

        var dropped = _stopped.GetRange(0, over);
        _stopped.RemoveRange(0, over);
        foreach (var download in dropped)
        {
            _byGid.Remove(download.Gid);
        }

        Forget([.. dropped.Select(download => download.Gid)]);
    }

    private void Forget(List<string> gids)
    {
        try
        {
            _store?.DeleteAll(gids);
        }
        catch (Microsoft.Data.Sqlite.SqliteException)
        {
            // Forgotten in memory; a restart would list them again until the next trim.
            _store?.CountFailure();
        }
    }

    /// <summary>aria2's <c>removeDownloadResult</c>: forgets one stopped download.</summary>
    public ServedChange RemoveResult(string gid)
    {
        lock (_gate)
        {
            if (!_byGid.TryGetValue(gid, out var download))
            {
                return ServedChange.NotFound;
            }

            if (!download.IsStopped)
            {
                return ServedChange.WrongState;
            }

            _stopped.Remove(download);
            _byGid.Remove(gid);
            _store?.Delete(gid);
            return ServedChange.Done;
        }
    }

    /// <summary>
    /// aria2's <c>changeOption</c>: merges checked options into a download that has not stopped. One
    /// the engine has not been handed yet starts with them; one it has keeps its file and
    /// connection settings, and the new values are what it reports.
    /// </summary>
    /// <exception cref="Errors.InvalidUrlException">A value is refused (the message names the option).</exception>
    public ServedChange ChangeOptions(string gid, IReadOnlyDictionary<string, string> changes)
    {
        lock (_gate)
        {
            if (!_byGid.TryGetValue(gid, out var download))
            {
                return ServedChange.NotFound;
            }

            if (download.IsStopped)
            {
                return ServedChange.WrongState;
            }

            var merged = new Dictionary<string, string>(download.Options, StringComparer.Ordinal);
            foreach (var (name, value) in changes.Where(pair => ServedOptions.Known.Contains(pair.Key)))
            {
                merged[name] = value;
            }

            var request = ServedOptions.ToRequest(download.Url, merged, _root);
            download.Options = merged;
            if (!download.Fed)
            {
                download.Request = request;
            }

            Save(download);
            return ServedChange.Done;
        }
    }

    /// <summary>Changes how many downloads run at once; more start at once, fewer let the running ones finish.</summary>
    public void SetMaxConcurrent(int maxConcurrent)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxConcurrent, 1);
        lock (_gate)
        {
            MaxConcurrent = maxConcurrent;
        }

        Pump();
    }

    /// <summary>Changes the overall bandwidth limit (bytes per second; 0: unlimited) of every transfer, running ones included.</summary>
    public void SetOverallLimit(long bytesPerSecond) => _downloader.SetRateLimit(bytesPerSecond);

    /// <summary>Pauses one download under the lock; the engine call to make after it, if any.</summary>
    private Action? PauseLocked(ServedDownload download)
    {
        var wasActive = download.State == ServedState.Active;
        download.State = ServedState.Paused;
        download.Speed = 0;
        Action? call = null;
        if (wasActive)
        {
            _active.Remove(download);
            _queue.Insert(0, download);
            if (download.Fed)
            {
                download.HeldByEngine = true;
                if (download.EngineId == 0)
                {
                    download.PendingEngineCall = ServedState.Paused;
                }
                else
                {
                    var id = download.EngineId;
                    call = () => _downloader.Pause(id);
                }
            }

            SaveQueue(download);
        }
        else
        {
            Save(download);
        }

        return call;
    }
}
