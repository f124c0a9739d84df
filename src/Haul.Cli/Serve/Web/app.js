// haul serve's page. It speaks aria2's JSON-RPC 2.0 exactly as other aria2 front-ends do, so it
// works against haul serve and aria2c alike. Every string that comes from the server (file names,
// URLs, error messages) is attacker-controlled: it reaches the page through textContent only.
'use strict';

(() => {
  const { parseInput, formatBytes, downloadName, listFor } = globalThis.HaulText;
  const { RpcClient, RpcError, unwrap } = globalThis.HaulRpc;
  const MAX_BACKOFF_MS = 30000;
  const STATUS_KEYS = ['gid', 'status', 'totalLength', 'completedLength', 'downloadSpeed', 'errorCode', 'errorMessage', 'errorKind', 'dir', 'files'];
  const SECRET_STORAGE = 'haul.rpc-secret';
  const LIST_LIMIT = 1000;
  const ACTIVE_POLL_MS = 1000;
  const IDLE_POLL_MS = 10000;
  const SPEED_LIMIT = /^[0-9]+[KkMm]?$/;

  const $ = (id) => document.getElementById(id);
  const lists = { active: $('active'), waiting: $('waiting'), stopped: $('stopped') };
  const table = globalThis.HaulRows.create(lists);
  const rpc = new RpcClient(new URL('jsonrpc', document.baseURI));
  let needSecret = false;
  let connected = false;
  let refreshTimer = 0;
  let refreshing = false;
  let refreshAgain = false;
  let failureDelay = 1000;
  let limitShown = false;
  // Guards against a second submit while the first is on its way; buttons are never disabled, as a
  // disabled button drops keyboard focus.
  let adding = false;
  let checkingSecret = false;

  function setMessage(element, text, isError) {
    element.textContent = text;
    element.dataset.kind = isError ? 'error' : 'info';
  }

  function showConnection(state, text) {
    const element = $('connection');
    element.dataset.state = state;
    element.textContent = text;
  }

  function showConnected() {
    connected = true;
    showConnection('connected', rpc.socketOpen ? 'Connected (WebSocket, live updates)' : 'Connected (HTTP, polling every second)');
  }

  function askForSecret(refused) {
    needSecret = true;
    connected = false;
    showConnection('locked', 'The daemon needs its secret.');
    const form = $('secret-form');
    const wasHidden = form.hidden;
    form.hidden = false;
    setMessage($('secret-message'), refused ? 'The daemon refused that secret.' : '', refused);
    if (wasHidden || refused) {
      $('secret').focus();
    }
  }

  function report(error, what) {
    if (error instanceof RpcError && error.unauthorized) {
      askForSecret(Boolean(rpc.secret));
      return;
    }

    setMessage($('global-message'), `${what}: ${error.message}`, true);
  }

  function renderStat(stat) {
    const value = stat || {};
    $('stat-speed').textContent = `${formatBytes(value.downloadSpeed)}/s`;
    $('stat-active').textContent = String(value.numActive ?? '–');
    $('stat-waiting').textContent = String(value.numWaiting ?? '–');
    $('stat-stopped').textContent = String(value.numStoppedTotal ?? value.numStopped ?? '–');
  }

  async function refresh() {
    if (needSecret) {
      return;
    }

    if (refreshing) {
      refreshAgain = true;
      return;
    }

    refreshing = true;
    clearTimeout(refreshTimer);
    let delay = IDLE_POLL_MS;
    try {
      const replies = await rpc.multicall([
        ['aria2.getGlobalStat'],
        ['aria2.tellActive', [STATUS_KEYS]],
        ['aria2.tellWaiting', [0, LIST_LIMIT, STATUS_KEYS]],
        ['aria2.tellStopped', [-1, LIST_LIMIT, STATUS_KEYS]],
      ]);
      if (!Array.isArray(replies) || replies.length !== 4) {
        throw new RpcError(null, 'The daemon sent a reply this page does not understand.');
      }

      const [stat, active, waiting, stopped] = replies.map(unwrap);
      failureDelay = 1000;
      showConnected();
      renderStat(stat);
      table.render(active, waiting, stopped);
      if (!limitShown) {
        limitShown = true;
        showLimit();
      }

      delay = table.anyActive || !rpc.socketOpen ? ACTIVE_POLL_MS : IDLE_POLL_MS;
    } catch (error) {
      if (error instanceof RpcError && error.unauthorized) {
        askForSecret(Boolean(rpc.secret));
        return;
      }

      connected = false;
      delay = failureDelay;
      failureDelay = Math.min(failureDelay * 2, MAX_BACKOFF_MS);
      showConnection('offline', `${error.message} Trying again in ${Math.round(delay / 1000)} s.`);
    } finally {
      refreshing = false;
    }

    if (refreshAgain) {
      refreshAgain = false;
      delay = 0;
    }

    if (!needSecret) {
      refreshTimer = setTimeout(refresh, delay);
    }
  }

  async function refreshEntry(gid) {
    if (needSecret || typeof gid !== 'string') {
      return;
    }

    try {
      const [stat, status] = (await rpc.multicall([['aria2.getGlobalStat'], ['aria2.tellStatus', [gid, STATUS_KEYS]]]))
        .map((entry, index) => {
          try {
            return unwrap(entry);
          } catch (error) {
            if (index === 1 && !(error.unauthorized)) {
              return null; // The entry is gone (its result was removed): drop its row.
            }

            throw error;
          }
        });
      renderStat(stat);
      if (status) {
        table.renderOne(status);
      } else {
        table.drop(gid);
      }

      if (table.anyActive) {
        clearTimeout(refreshTimer);
        refreshTimer = setTimeout(refresh, ACTIVE_POLL_MS);
      }
    } catch (error) {
      if (error instanceof RpcError && error.unauthorized) {
        askForSecret(Boolean(rpc.secret));
      } else {
        refresh();
      }
    }
  }

  async function showLimit() {
    try {
      const options = await rpc.call('aria2.getGlobalOption');
      const limit = $('limit');
      if (document.activeElement !== limit && limit.value === '' && options) {
        limit.value = String(options['max-overall-download-limit'] ?? '');
      }
    } catch (error) {
      report(error, 'Could not read the speed limit');
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Forms and buttons.

  $('secret-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = $('secret').value;
    if (value === '') {
      setMessage($('secret-message'), 'Enter the secret.', true);
      return;
    }

    if (checkingSecret) {
      return;
    }

    rpc.secret = value;
    checkingSecret = true;
    try {
      await rpc.call('aria2.getVersion');
      sessionStorage.setItem(SECRET_STORAGE, value);
      needSecret = false;
      $('secret-form').hidden = true;
      $('secret').value = '';
      setMessage($('secret-message'), '', false);
      $('uris').focus();
      refresh();
    } catch (error) {
      if (error instanceof RpcError && error.unauthorized) {
        sessionStorage.removeItem(SECRET_STORAGE);
        askForSecret(true);
      } else {
        setMessage($('secret-message'), error.message, true);
      }
    } finally {
      checkingSecret = false;
    }
  });

  $('add-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const message = $('add-message');
    const parsed = parseInput($('uris').value, { dir: $('opt-dir').value, out: $('opt-out').value, split: $('opt-split').value });
    if (parsed.errors.length > 0) {
      setMessage(message, parsed.errors.join(' '), true);
      return;
    }

    if (parsed.downloads.length === 0) {
      setMessage(message, 'Enter at least one URL.', true);
      return;
    }

    if (adding) {
      return;
    }

    adding = true;
    $('add').setAttribute('aria-busy', 'true');
    try {
      const replies = await rpc.multicall(parsed.downloads.map((download) => ['aria2.addUri', [[download.uri], download.options]]));
      const failures = [];
      (Array.isArray(replies) ? replies : []).forEach((entry, index) => {
        try {
          unwrap(entry);
        } catch (error) {
          if (error.unauthorized) {
            throw error;
          }

          failures.push(`Line ${parsed.downloads[index].line}: ${error.message}`);
        }
      });
      const added = parsed.downloads.length - failures.length;
      if (failures.length === 0) {
        $('uris').value = '';
        $('opt-out').value = '';
      }

      const summary = `Added ${added} download${added === 1 ? '' : 's'}.`;
      setMessage(message, failures.length === 0 ? summary : `${summary} ${failures.join(' ')}`, failures.length > 0);
      refresh();
    } catch (error) {
      if (error instanceof RpcError && error.unauthorized) {
        askForSecret(Boolean(rpc.secret));
      } else {
        setMessage(message, `Nothing was added: ${error.message}`, true);
      }
    } finally {
      adding = false;
      $('add').removeAttribute('aria-busy');
    }
  });

  // Ctrl+Enter in the URL box adds, as in many chat and mail forms; plain Enter starts a new line.
  $('uris').addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      $('add-form').requestSubmit();
    }
  });

  $('limit-form').addEventListener('submit', async (event) => {
    event.preventDefault();
    const value = $('limit').value.trim();
    const message = $('global-message');
    if (!SPEED_LIMIT.test(value)) {
      setMessage(message, 'A speed limit is a whole number of bytes per second, optionally followed by K or M (500K, 2M); 0 removes the limit.', true);
      return;
    }

    try {
      await rpc.call('aria2.changeGlobalOption', [{ 'max-overall-download-limit': value }]);
      setMessage(message, /^0+[KkMm]?$/.test(value) ? 'No speed limit.' : `Speed limit set to ${value} per second.`, false);
    } catch (error) {
      report(error, 'The speed limit was not changed');
    }
  });

  async function globalAction(method, done) {
    try {
      await rpc.call(method);
      setMessage($('global-message'), done, false);
      refresh();
    } catch (error) {
      report(error, 'That did not work');
    }
  }

  $('pause-all').addEventListener('click', () => globalAction('aria2.pauseAll', 'Paused all downloads.'));
  $('resume-all').addEventListener('click', () => globalAction('aria2.unpauseAll', 'Resumed all downloads.'));
  $('purge').addEventListener('click', () => globalAction('aria2.purgeDownloadResult', 'Cleared the finished downloads.'));

  async function rowAction(event) {
    const button = event.target.closest('button[data-role]');
    const li = button ? button.closest('li.download') : null;
    const row = li ? table.rows.get(li.dataset.gid) : undefined;
    if (!row || !row.data) {
      return;
    }

    const gid = li.dataset.gid;
    const state = String(row.data.status);
    const stopped = listFor(state) === 'stopped';
    let method;
    if (button.dataset.role === 'toggle') {
      method = state === 'paused' ? 'aria2.unpause' : 'aria2.pause';
    } else {
      method = stopped ? 'aria2.removeDownloadResult' : 'aria2.remove';
    }

    // The button stays enabled (a disabled button drops keyboard focus); a second click sends a
    // second call, which the daemon answers harmlessly.
    try {
      await rpc.call(method, [gid]);
      setMessage($('global-message'), '', false);
    } catch (error) {
      report(error, `${button.textContent} ${downloadName(row.data)} did not work`);
    }

    if (method === 'aria2.removeDownloadResult') {
      refresh();
    } else {
      refreshEntry(gid);
    }
  }

  for (const list of Object.values(lists)) {
    list.addEventListener('click', rowAction);
  }

  // ---------------------------------------------------------------------------------------------
  // Start.

  rpc.onTransport = () => {
    if (connected) {
      showConnected();
    }

    refresh();
  };
  rpc.onNotification = (method, params) => {
    if (method.startsWith('aria2.onDownload') && Array.isArray(params) && params[0]) {
      refreshEntry(params[0].gid);
    }
  };

  try {
    rpc.secret = sessionStorage.getItem(SECRET_STORAGE) || '';
  } catch {
    rpc.secret = '';
  }

  table.updateCounts();
  rpc.connect();
  refresh();

})();
