/**
 * Who is calling, as each transport adapter sees it (Electron IPC, or the browser harness). The registrar checks
 * it before anything else; an adapter that cannot tell a value reports the value that fails the check.
 */
export interface CallContext {
  /** Origin of the calling frame (`app://renderer`, `http://127.0.0.1:5173`), or null when unknown. */
  readonly origin: string | null;
  /** True only when the call comes from the top-level frame of the page, never a sub-frame. */
  readonly isMainFrame: boolean;
  /** Stable id of the calling page for the page's lifetime, or null when there is no sender. */
  readonly senderId: string | null;
}

/** Decides whether a calling origin is the app itself. */
export type OriginPolicy = (origin: string) => boolean;

/**
 * An origin policy that accepts exactly the given origins, compared after URL parsing (never `startsWith`,
 * which `app://renderer.evil` would pass).
 */
export function exactOrigins(allowed: readonly string[]): OriginPolicy {
  const normalised = new Set(allowed.map(originOf));
  return (origin) => {
    const candidate = originOf(origin);
    return candidate !== null && normalised.has(candidate);
  };
}

/**
 * The origin of a URL or origin string as `scheme://host[:port]`, or null when it does not parse. Custom schemes
 * (`app://`) have an opaque WHATWG `origin` ("null"), so it is rebuilt from protocol and host.
 */
export function originOf(urlOrOrigin: string): string | null {
  try {
    const url = new URL(urlOrOrigin);
    return `${url.protocol}//${url.host}`;
  } catch {
    return null;
  }
}
