/**
 * A configuration that cannot be used. It lists every problem found, each naming its source and field
 * (`policy /etc/clinic-protocol-assistant/policy.json: temperature: Too big: expected number to be <=2`), so IT
 * can fix them all at once. Start-up shows it on an error screen; it never falls back silently.
 */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';
  constructor(readonly problems: readonly string[]) {
    super(`The configuration cannot be used:\n- ${problems.join('\n- ')}`);
  }
}
