// The page's three lists of downloads. Rows are kept per gid and updated in place, so keyboard
// focus and a screen reader's position survive refreshes; server strings go in as textContent only.
'use strict';

(() => {
  const { downloadName, sourceUrl, formatBytes, formatEta, errorText, listFor } = globalThis.HaulText;
  const $ = (id) => document.getElementById(id);

  /** The lists (ul elements by name: active, waiting, stopped) and the rows in them. */
  function create(lists) {
    const rows = new Map();

    function createRow(gid) {
      const li = document.createElement('li');
      li.className = 'download';
      li.dataset.gid = gid;

      const head = document.createElement('div');
      head.className = 'head';
      const name = document.createElement('span');
      name.className = 'name';
      const status = document.createElement('span');
      status.className = 'status';
      head.append(name, status);

      const url = document.createElement('p');
      url.className = 'url';

      const progress = document.createElement('progress');
      progress.max = 1000;

      const facts = document.createElement('p');
      facts.className = 'facts';
      const size = document.createElement('span');
      size.className = 'size';
      const speed = document.createElement('span');
      speed.className = 'speed';
      const eta = document.createElement('span');
      eta.className = 'eta';
      facts.append(size, speed, eta);

      const error = document.createElement('p');
      error.className = 'error';
      error.hidden = true;

      const actions = document.createElement('div');
      actions.className = 'actions';
      const toggle = document.createElement('button');
      toggle.type = 'button';
      toggle.dataset.role = 'toggle';
      const remove = document.createElement('button');
      remove.type = 'button';
      remove.dataset.role = 'remove';
      actions.append(toggle, remove);

      li.append(head, url, progress, facts, error, actions);
      const row = { li, name, status, url, progress, size, speed, eta, error, toggle, remove, data: null };
      rows.set(gid, row);
      return row;
    }

    function updateRow(row, data) {
      row.data = data;
      const title = downloadName(data);
      const state = String(data.status ?? '');
      const total = Number(data.totalLength) || 0;
      const done = Number(data.completedLength) || 0;
      const rate = Number(data.downloadSpeed) || 0;

      row.li.dataset.status = state;
      row.name.textContent = title;
      row.status.textContent = state;
      row.url.textContent = sourceUrl(data);

      row.progress.setAttribute('aria-label', `Progress of ${title}`);
      if (total > 0) {
        row.progress.value = Math.min(1000, Math.floor((done * 1000) / total));
        row.progress.setAttribute('aria-valuetext', `${Math.floor((done * 100) / total)} percent`);
        row.size.textContent = `${formatBytes(done)} of ${formatBytes(total)}`;
      } else if (state === 'active') {
        // Size unknown while it runs: an indeterminate bar.
        row.progress.removeAttribute('value');
        row.progress.removeAttribute('aria-valuetext');
        row.size.textContent = `${formatBytes(done)} of unknown size`;
      } else {
        row.progress.value = 0;
        row.progress.removeAttribute('aria-valuetext');
        row.size.textContent = `${formatBytes(done)} of unknown size`;
      }

      const running = state === 'active';
      row.speed.textContent = running ? `${formatBytes(rate)}/s` : '';
      row.eta.textContent = running && rate > 0 && total > 0 ? `${formatEta((total - done) / rate)} left` : '';

      const failure = errorText(data);
      row.error.hidden = failure === '';
      row.error.textContent = failure;

      const stopped = listFor(state) === 'stopped';
      row.toggle.hidden = stopped;
      row.toggle.textContent = state === 'paused' ? 'Resume' : 'Pause';
      row.toggle.setAttribute('aria-label', `${row.toggle.textContent} ${title}`);
      row.remove.textContent = stopped ? 'Remove from list' : 'Remove';
      row.remove.setAttribute('aria-label', `${row.remove.textContent}: ${title}`);
    }

    /** Where focus was, as a gid and a button role, so it can come back after a row moves. */
    function focusedAction() {
      const element = document.activeElement;
      const li = element && element.closest ? element.closest('li.download') : null;
      return li && element.dataset.role ? { gid: li.dataset.gid, role: element.dataset.role } : null;
    }

    function restoreFocus(before) {
      if (!before || (document.activeElement && document.activeElement !== document.body)) {
        return;
      }

      const row = rows.get(before.gid);
      if (row) {
        (row[before.role].hidden ? row.remove : row[before.role]).focus();
      }
    }

    function render(active, waiting, stopped) {
      const before = focusedAction();
      const seen = new Set();
      for (const [name, items] of [['active', active], ['waiting', waiting], ['stopped', stopped]]) {
        const list = lists[name];
        (Array.isArray(items) ? items : []).forEach((data, index) => {
          const gid = String(data.gid);
          seen.add(gid);
          const row = rows.get(gid) || createRow(gid);
          updateRow(row, data);
          if (list.children[index] !== row.li) {
            list.insertBefore(row.li, list.children[index] || null);
          }
        });
      }

      for (const [gid, row] of rows) {
        if (!seen.has(gid)) {
          row.li.remove();
          rows.delete(gid);
        }
      }

      updateCounts();
      restoreFocus(before);
    }

    /** One entry changed (a notification named it): update its row and move it to its list. */
    function renderOne(data) {
      const before = focusedAction();
      const gid = String(data.gid);
      const row = rows.get(gid) || createRow(gid);
      updateRow(row, data);
      const list = lists[listFor(String(data.status))];
      if (row.li.parentElement !== list) {
        if (list === lists.stopped) {
          list.prepend(row.li);
        } else {
          list.append(row.li);
        }
      }

      updateCounts();
      restoreFocus(before);
    }

    function updateCounts() {
      for (const name of Object.keys(lists)) {
        const count = lists[name].children.length;
        $(`${name}-count`).textContent = count > 0 ? `(${count})` : '';
        $(`${name}-empty`).hidden = count > 0;
      }

      $('purge').hidden = lists.stopped.children.length === 0;
    }

    /** Drops the row of an entry the daemon no longer has. */
    function drop(gid) {
      const row = rows.get(gid);
      if (row) {
        row.li.remove();
        rows.delete(gid);
        updateCounts();
      }
    }

    return {
      rows,
      render,
      renderOne,
      drop,
      updateCounts,
      get anyActive() {
        return lists.active.children.length > 0;
      },
    };
  }

  globalThis.HaulRows = Object.freeze({ create });
})();
