// aria2's JSON-RPC 2.0 from a browser: a WebSocket to /jsonrpc when it opens (with aria2's
// notifications), HTTP POST otherwise, the secret sent as aria2 expects it.
'use strict';

(() => {
  const CALL_TIMEOUT_MS = 30000;
  const MAX_BACKOFF_MS = 30000;

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

  globalThis.HaulRpc = Object.freeze({ RpcClient, RpcError, unwrap });
})();
