// haul serve's page. It speaks aria2's JSON-RPC 2.0 exactly as other aria2 front-ends do, so it
// works against haul serve and aria2c alike. Every string that comes from the server (file names,
// URLs, error messages) is attacker-controlled: it reaches the page through textContent only.
'use strict';

(() => {
  const STATUS_KEYS = ['gid', 'status', 'totalLength', 'completedLength', 'downloadSpeed', 'errorCode', 'errorMessage', 'dir', 'files'];
  const SECRET_STORAGE = 'haul.rpc-secret';
  const LIST_LIMIT = 1000;
  const ACTIVE_POLL_MS = 1000;
  const IDLE_POLL_MS = 10000;
  const CALL_TIMEOUT_MS = 30000;
  const MAX_BACKOFF_MS = 30000;
  const URL_SCHEMES = new Set(['http:', 'https:', 'ftp:', 'sftp:']);
  const OPTION_TOKEN = /^([A-Za-z][A-Za-z0-9-]*)=(.+)$/;
  const SPEED_LIMIT = /^[0-9]+[KkMm]?$/;
  const POSITIVE_INTEGER = /^[1-9][0-9]*$/;

  // aria2's error codes (its exit status list), as a download's errorCode carries them.
  const ERROR_KINDS = {
    1: 'unknown error', 2: 'timeout', 3: 'not found', 4: 'not found (too many)', 5: 'too slow',
    6: 'network', 7: 'unfinished at shutdown', 8: 'resume not supported', 9: 'disk full',
    10: 'piece length changed', 11: 'duplicate', 12: 'duplicate', 13: 'file exists', 14: 'rename failed',
    15: 'cannot open file', 16: 'cannot create file', 17: 'file I/O', 18: 'cannot create folder',
    19: 'dns', 20: 'metalink', 21: 'ftp command', 22: 'bad http response', 23: 'too many redirects',
    24: 'authorization', 25: 'bencode', 26: 'torrent', 27: 'magnet', 28: 'bad option',
    29: 'server overloaded', 30: 'json-rpc', 31: 'reserved', 32: 'checksum',
  };

  /** A JSON-RPC error reply, or a transport failure (code null). */
  class RpcError extends Error {
    constructor(code, message) {
      super(message);
      this.code = code;
    }

    get unauthorized() {
      return this.code === 1 && this.message === 'Unauthorized';
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Parsing the "Add downloads" form. Pure functions, also exposed for the page's tests.

  /**
   * Lines of URLs, each optionally followed by key=value options separated by whitespace
   * ("URL out=NAME dir=SUB"); indented key=value lines under a URL add options to it (the layout of
   * haul's and aria2's input files); blank lines and lines starting with # are ignored. Options from
   * the form's fields apply to every URL unless a line sets its own.
   */
  function parseInput(text, globals) {
    const downloads = [];
    const errors = [];
    const shared = {};
    for (const [key, value] of Object.entries(globals || {})) {
      const trimmed = String(value ?? '').trim();
      if (trimmed !== '') {
        shared[key] = trimmed;
      }
    }

    if (shared.split !== undefined && !POSITIVE_INTEGER.test(shared.split)) {
      errors.push('Connections per file must be a whole number of 1 or more.');
    }

    const lines = String(text ?? '').split(/\r\n|\r|\n/);
    lines.forEach((raw, index) => {
      const number = index + 1;
      const line = raw.trim();
      if (line === '' || line.startsWith('#')) {
        return;
      }

      const tokens = line.split(/\s+/);
      const indented = /^\s/.test(raw);
      if (indented && downloads.length > 0 && OPTION_TOKEN.test(tokens[0])) {
        addOptions(downloads[downloads.length - 1], tokens, number, errors);
        return;
      }

      const uri = tokens[0];
      if (!isDownloadUrl(uri)) {
        errors.push(`Line ${number}: "${uri}" is not an http, https or ftp URL.`);
        return;
      }

      const download = { uri, line: number, options: {} };
      addOptions(download, tokens.slice(1), number, errors);
      downloads.push(download);
    });

    if (shared.out !== undefined && downloads.length > 1) {
      errors.push('The file name field applies to one URL only; put out=NAME after each URL instead.');
    }

    for (const download of downloads) {
      download.options = { ...shared, ...download.options };
    }

    return { downloads, errors };
  }

  function addOptions(download, tokens, number, errors) {
    for (const token of tokens) {
      const match = OPTION_TOKEN.exec(token);
      if (!match) {
        errors.push(`Line ${number}: "${token}" is not an option of the form key=value.`);
        continue;
      }

      const [, key, value] = match;
      if (key === 'header') {
        // aria2 takes several headers as a list.
        download.options.header = [...(download.options.header || []), value];
      } else {
        download.options[key] = value;
      }
    }
  }

  function isDownloadUrl(text) {
    try {
      return URL_SCHEMES.has(new URL(text).protocol);
    } catch {
      return false;
    }
  }

  function formatBytes(value) {
    const bytes = Number(value);
    if (!Number.isFinite(bytes) || bytes < 0) {
      return '?';
    }

    if (bytes < 1024) {
      return `${bytes} B`;
    }

    const units = ['KiB', 'MiB', 'GiB', 'TiB', 'PiB'];
    let scaled = bytes;
    let unit = -1;
    while (scaled >= 1024 && unit < units.length - 1) {
      scaled /= 1024;
      unit += 1;
    }

    return `${scaled.toFixed(scaled < 10 ? 1 : 0)} ${units[unit]}`;
  }

  function formatEta(seconds) {
    if (!Number.isFinite(seconds) || seconds < 0) {
      return '–';
    }

    const whole = Math.ceil(seconds);
    if (whole < 60) {
      return `${whole} s`;
    }

    if (whole < 3600) {
      return `${Math.floor(whole / 60)} min ${whole % 60} s`;
    }

    if (whole < 360000) {
      return `${Math.floor(whole / 3600)} h ${Math.floor((whole % 3600) / 60)} min`;
    }

    return 'days';
  }

  /** The name a download is shown by: its file's name, else its URL's last segment, else its gid. */
  function downloadName(status) {
    const file = Array.isArray(status.files) ? status.files[0] : undefined;
    const path = file && typeof file.path === 'string' ? file.path : '';
    const base = path.split(/[\\/]/).pop();
    if (base) {
      return base;
    }

    const uri = sourceUrl(status);
    if (uri) {
      try {
        const segment = new URL(uri).pathname.split('/').pop();
        if (segment) {
          return decodeURIComponent(segment);
        }
      } catch {
        // Not a URL the browser parses (or a bad escape): show it as it is.
      }

      return uri;
    }

    return String(status.gid ?? '');
  }

  function sourceUrl(status) {
    const file = Array.isArray(status.files) ? status.files[0] : undefined;
    const uris = file && Array.isArray(file.uris) ? file.uris : [];
    return uris.length > 0 && typeof uris[0].uri === 'string' ? uris[0].uri : '';
  }

  function errorText(status) {
    const code = Number(status.errorCode);
    if (status.status !== 'error' && !(code > 0)) {
      return '';
    }

    const kind = ERROR_KINDS[code] || 'error';
    const message = status.errorMessage ? String(status.errorMessage) : 'The download failed.';
    return code > 0 ? `${kind} (code ${code}): ${message}` : `${kind}: ${message}`;
  }

  // ---------------------------------------------------------------------------------------------
  // The JSON-RPC client: a WebSocket to /jsonrpc when it opens, HTTP POST otherwise.

  class RpcClient {
    constructor(endpoint) {
      this.httpUrl = endpoint.href;
      const ws = new URL(endpoint.href);
      ws.protocol = endpoint.protocol === 'https:' ? 'wss:' : 'ws:';
      this.wsUrl = ws.href;
      this.secret = '';
      this.socket = null;
      this.socketOpen = false;
      this.pending = new Map();
      this.nextId = 1;
      this.reconnectDelay = 1000;
      this.onTransport = () => {};
      this.onNotification = () => {};
    }

    get transport() {
      return this.socketOpen ? 'WebSocket' : 'HTTP';
    }

    connect() {
      if (typeof WebSocket !== 'function') {
        return;
      }

      let socket;
      try {
        socket = new WebSocket(this.wsUrl);
      } catch {
        this.scheduleReconnect();
        return;
      }

      this.socket = socket;
      socket.addEventListener('open', () => {
        this.socketOpen = true;
        this.reconnectDelay = 1000;
        this.onTransport();
      });
      socket.addEventListener('message', (event) => this.receive(event.data));
      socket.addEventListener('close', () => {
        const wasOpen = this.socketOpen;
        this.socketOpen = false;
        this.socket = null;
        for (const [id, waiter] of this.pending) {
          this.pending.delete(id);
          clearTimeout(waiter.timer);
          waiter.reject(new RpcError(null, 'The connection to the daemon closed.'));
        }

        if (wasOpen) {
          this.onTransport();
        }

        this.scheduleReconnect();
      });
    }

    scheduleReconnect() {
      const delay = this.reconnectDelay;
      this.reconnectDelay = Math.min(this.reconnectDelay * 2, MAX_BACKOFF_MS);
      setTimeout(() => this.connect(), delay);
    }

    receive(data) {
      let message;
      try {
        message = JSON.parse(data);
      } catch {
        return;
      }

      if (message && typeof message.method === 'string' && message.id === undefined) {
        this.onNotification(message.method, message.params);
        return;
      }

      const waiter = message ? this.pending.get(message.id) : undefined;
      if (waiter) {
        this.pending.delete(message.id);
        clearTimeout(waiter.timer);
        settle(message, waiter.resolve, waiter.reject);
      }
    }

    /** Calls a method with the secret as aria2 expects it: "token:SECRET" as the first parameter. */
    call(method, params = []) {
      return this.send(method, [...this.tokenParam(), ...params]);
    }

    /** system.multicall: the secret goes inside each call, not around them. */
    multicall(calls) {
      const entries = calls.map(([methodName, params = []]) => ({ methodName, params: [...this.tokenParam(), ...params] }));
      return this.send('system.multicall', [entries]);
    }

    tokenParam() {
      return this.secret ? [`token:${this.secret}`] : [];
    }

    send(method, params) {
      const id = String(this.nextId++);
      const body = JSON.stringify({ jsonrpc: '2.0', id, method, params });
      if (this.socketOpen && this.socket) {
        return new Promise((resolve, reject) => {
          const timer = setTimeout(() => {
            this.pending.delete(id);
            reject(new RpcError(null, 'The daemon did not answer in time.'));
          }, CALL_TIMEOUT_MS);
          this.pending.set(id, { resolve, reject, timer });
          this.socket.send(body);
        });
      }

      return this.post(body);
    }

    async post(body) {
      let response;
      try {
        response = await fetch(this.httpUrl, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body,
          cache: 'no-store',
          credentials: 'same-origin',
        });
      } catch {
        throw new RpcError(null, 'The daemon cannot be reached.');
      }

      let message;
      try {
        message = await response.json();
      } catch {
        throw new RpcError(null, `The daemon answered HTTP ${response.status} without a JSON-RPC reply.`);
      }

      return new Promise((resolve, reject) => settle(message, resolve, reject));
    }
  }

  function settle(message, resolve, reject) {
    if (message && message.error) {
      reject(new RpcError(Number(message.error.code), String(message.error.message ?? 'error')));
    } else {
      resolve(message ? message.result : undefined);
    }
  }

  /** One system.multicall entry: [value] on success, {code, message} on failure. */
  function unwrap(entry) {
    if (Array.isArray(entry)) {
      return entry[0];
    }

    const error = entry || {};
    throw new RpcError(Number(error.code), String(error.message ?? 'error'));
  }

  // ---------------------------------------------------------------------------------------------
  // The page.

  const $ = (id) => document.getElementById(id);
  const lists = { active: $('active'), waiting: $('waiting'), stopped: $('stopped') };
  const rows = new Map();
  const rpc = new RpcClient(new URL('jsonrpc', document.baseURI));
  let needSecret = false;
  let connected = false;
  let anyActive = false;
  let refreshTimer = 0;
  let refreshing = false;
  let refreshAgain = false;
  let failureDelay = 1000;
  let limitShown = false;
  // Guards against a second submit while the first is on its way; buttons are never disabled, as a
  // disabled button drops keyboard focus.
  let adding = false;
  let checkingSecret = false;

  function listFor(status) {
    if (status === 'active') {
      return 'active';
    }

    return status === 'waiting' || status === 'paused' ? 'waiting' : 'stopped';
  }

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

  // Rows are kept per gid and updated in place, so focus and screen reader position survive refreshes.
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

    anyActive = lists.active.children.length > 0;
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

    anyActive = lists.active.children.length > 0;
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
      render(active, waiting, stopped);
      if (!limitShown) {
        limitShown = true;
        showLimit();
      }

      delay = anyActive || !rpc.socketOpen ? ACTIVE_POLL_MS : IDLE_POLL_MS;
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
        renderOne(status);
      } else if (rows.has(gid)) {
        rows.get(gid).li.remove();
        rows.delete(gid);
        updateCounts();
      }

      if (anyActive) {
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
    const row = li ? rows.get(li.dataset.gid) : undefined;
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

  updateCounts();
  rpc.connect();
  refresh();

  globalThis.HaulPage = Object.freeze({ parseInput, formatBytes, formatEta, downloadName, errorText });
})();
