using System.Collections.Concurrent;

namespace Haul.Scheduling;

/// <summary>The switches of every download of a <see cref="Downloader"/> that has not ended, by id.</summary>
internal sealed class DownloadControls
{
    private readonly ConcurrentDictionary<long, DownloadControl> _controls = new();
    private readonly Lock _gate = new();
    private bool _allPaused;

    public DownloadControl Register(long id)
    {
        var control = new DownloadControl();
        lock (_gate)
        {
            // Under the same lock as PauseAll: a download admitted while all are paused starts paused.
            _controls[id] = control;
            if (_allPaused)
            {
                control.Pause();
            }
        }

        return control;
    }

    public void Unregister(long id) => _controls.TryRemove(id, out _);

    public bool Pause(long id) => Apply(id, control => control.Pause());

    public bool Resume(long id) => Apply(id, control => control.Resume());

    public bool Remove(long id) => Apply(id, control => control.Remove());

    public void PauseAll()
    {
        lock (_gate)
        {
            _allPaused = true;
            foreach (var control in _controls.Values)
            {
                control.Pause();
            }
        }
    }

    public void ResumeAll()
    {
        lock (_gate)
        {
            _allPaused = false;
            foreach (var control in _controls.Values)
            {
                control.Resume();
            }
        }
    }

    private bool Apply(long id, Action<DownloadControl> action)
    {
        if (!_controls.TryGetValue(id, out var control))
        {
            return false;
        }

        action(control);
        return true;
    }
}
