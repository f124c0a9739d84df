// The page's text work, without the DOM: reading the "Add downloads" box into aria2.addUri calls,
// and turning a download's aria2 status (numbers as decimal strings) into what a row shows.
'use strict';

(() => {
  const URL_SCHEMES = new Set(['http:', 'https:', 'ftp:', 'sftp:']);
  const OPTION_TOKEN = /^([A-Za-z][A-Za-z0-9-]*)=(.+)$/;
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

    // haul serve adds errorKind, Haul's own kind (http, dns, timeout, checksum…); aria2 has only the code.
    const kind = typeof status.errorKind === 'string' && status.errorKind !== '' ? status.errorKind : ERROR_KINDS[code] || 'error';
    const message = status.errorMessage ? String(status.errorMessage) : 'The download failed.';
    return code > 0 ? `${kind} (code ${code}): ${message}` : `${kind}: ${message}`;
  }

  /** Which of the page's three lists a status belongs in. */
  function listFor(status) {
    if (status === 'active') {
      return 'active';
    }

    return status === 'waiting' || status === 'paused' ? 'waiting' : 'stopped';
  }

  globalThis.HaulText = Object.freeze({ parseInput, formatBytes, formatEta, downloadName, sourceUrl, errorText, listFor });
})();
