import { isLoopbackUrl } from '../../../shared/loopback';

/** The sync server's address cannot be used; the message says why and what IT can do, never a secret. */
export class SyncServerUrlError extends Error {
  override readonly name = 'SyncServerUrlError';
}

/**
 * Checks policy's `syncServerUrl` by the rule the model server's address follows: `https://`, or plain `http://`
 * only to this machine (a reverse proxy on loopback terminates TLS) unless IT sets `allowInsecureHttp`. No
 * credentials in the address (the token goes in a header), no query or fragment. Returns the base with one trailing
 * slash, so `v1/...` paths resolve under a proxy's path prefix too.
 */
export function parseSyncServerUrl(text: string, allowInsecureHttp: boolean): URL {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    throw new SyncServerUrlError('syncServerUrl is not a URL.');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new SyncServerUrlError('syncServerUrl must be an https:// address.');
  if (url.protocol === 'http:' && !isLoopbackUrl(url) && !allowInsecureHttp) {
    throw new SyncServerUrlError('syncServerUrl uses plain http to another machine; use https, or IT must set allowInsecureHttp in the policy.');
  }
  if (url.username || url.password) throw new SyncServerUrlError('syncServerUrl must not carry credentials.');
  if (url.search || url.hash) throw new SyncServerUrlError('syncServerUrl must not have a query or a fragment.');
  if (!url.pathname.endsWith('/')) url.pathname = `${url.pathname}/`;
  return url;
}
