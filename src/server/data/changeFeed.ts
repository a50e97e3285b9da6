/**
 * The live change feed of one server process: ONE PostgreSQL connection LISTENs on the change channel, and each
 * NOTIFY (sent by whichever process committed the change) is handed to this process's SSE clients of that
 * profile. So a change pushed through process 1 reaches a workstation connected to process 2.
 *
 * The subscriber list is only the open connections of this process; losing it loses nothing (workstations pull on
 * reconnect). When the LISTEN connection drops (PostgreSQL restarted), notifications sent meanwhile are lost, so
 * after reconnecting every subscriber is told to look again (`changeNo` null).
 */
import pg from 'pg';
import { CHANGE_CHANNEL } from './changeNumbers';

/** Called with the profile's newest change number, or null when it may have been missed. */
export type ChangeListener = (changeNo: number | null) => void;

/** See the module comment. */
export interface ChangeFeed {
  /** Starts listening; resolves once LISTEN is in place (so a test's push after it is seen). */
  start(): Promise<void>;
  /** Adds a listener for one profile; answers its removal. */
  subscribe(profileId: string, listener: ChangeListener): () => void;
  /** Open subscriptions (the SSE clients of this process). */
  readonly size: number;
  close(): Promise<void>;
}

const RECONNECT_MS = 1000;

/** A feed on `databaseUrl` (its own connection, outside the pool: LISTEN must stay on one session). */
export function createChangeFeed(databaseUrl: string, log: (line: string) => void): ChangeFeed {
  const listeners = new Map<string, Set<ChangeListener>>();
  let client: pg.Client | null = null;
  let closed = false;
  let retry: NodeJS.Timeout | null = null;
  let size = 0;

  const everyone = () => {
    for (const set of listeners.values()) for (const listener of set) listener(null);
  };

  const connect = async (): Promise<void> => {
    const next = new pg.Client({ connectionString: databaseUrl });
    next.on('notification', (message) => {
      const [profileId, changeNo] = (message.payload ?? '').split(' ');
      for (const listener of listeners.get(profileId ?? '') ?? []) listener(Number(changeNo));
    });
    next.on('error', () => {
      log('sync server: the change feed lost its database connection; reconnecting');
      void next.end().catch(() => undefined);
      if (client === next) client = null;
      schedule();
    });
    await next.connect();
    await next.query(`LISTEN ${CHANGE_CHANNEL}`);
    if (closed) {
      await next.end();
      return;
    }
    client = next;
  };

  const schedule = () => {
    if (closed || retry !== null) return;
    retry = setTimeout(() => {
      retry = null;
      connect().then(everyone, () => schedule());
    }, RECONNECT_MS);
    retry.unref();
  };

  return {
    start: connect,
    subscribe(profileId, listener) {
      const set = listeners.get(profileId) ?? new Set();
      listeners.set(profileId, set);
      set.add(listener);
      size += 1;
      return () => {
        if (!set.delete(listener)) return;
        size -= 1;
        if (set.size === 0) listeners.delete(profileId);
      };
    },
    get size() {
      return size;
    },
    async close() {
      closed = true;
      if (retry !== null) clearTimeout(retry);
      await client?.end().catch(() => undefined);
      client = null;
    },
  };
}
