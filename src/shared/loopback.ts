/**
 * Whether a URL names this machine, decided on the WHATWG parser's hostname and compared exactly. Plain `http://`
 * is allowed only there, so a look-alike must never pass: `127.0.0.1.nip.io` and `localhost.example` are names that
 * DNS may send anywhere, and in `127.0.0.1@evil` the loopback-looking part is a user name.
 *
 * Accepted: `localhost`, an IPv4 address in 127.0.0.0/8, and `[::1]`. The parser has already rewritten every IPv4
 * spelling (`127.1`, `0x7f000001`, `127.0.0.1.`) to dotted decimal, so one pattern covers them all.
 *
 * Refused on purpose, though they reach this machine on some systems: `localhost.` (a fully qualified name handed to
 * the resolver, which may ask DNS), `*.localhost`, and IPv4-mapped IPv6 such as `[::ffff:127.0.0.1]` (whether it
 * connects to 127.0.0.1 depends on the OS's dual-stack setting). Each has a plain spelling above that IT can use.
 */
export function isLoopbackUrl(url: URL): boolean {
  return isLoopbackHostname(url.hostname);
}

/** 127.0.0.0/8 in the canonical dotted-decimal form the WHATWG parser produces. */
const IPV4_LOOPBACK = /^127\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/;

/** {@link isLoopbackUrl} for a hostname as `URL.hostname` gives it (IPv6 in brackets, lower case). */
export function isLoopbackHostname(hostname: string): boolean {
  if (hostname === 'localhost' || hostname === '[::1]') return true;
  const octets = IPV4_LOOPBACK.exec(hostname);
  return octets !== null && octets.slice(1).every((octet) => Number(octet) <= 255);
}
