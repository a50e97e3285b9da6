/** Settings of the `npm run fake-llm` command. */
export interface CliSettings {
  port: number;
  /** undefined → the server's default model. */
  model: string | undefined;
  chunkDelayMs: number;
}

/** What the arguments ask for: settings, help, or a usage error. */
export type CliParse = { kind: 'run'; settings: CliSettings } | { kind: 'help' } | { kind: 'error'; message: string };

/** Usage text printed for --help and after a usage error. */
export const CLI_USAGE =
  'Usage: npm run fake-llm -- [--port 8000] [--model <id>] [--chunk-delay-ms 25]\n' +
  '  --port            port on 127.0.0.1, 0-65535 (0 = any free port); default 8000, like vLLM\n' +
  '  --model           model id to serve; default fake-clinical-model\n' +
  '  --chunk-delay-ms  delay between streamed chunks in ms; default 25';

/**
 * Parses `--flag value` and `--flag=value` arguments. Pure, so the validation
 * can be tested without starting a process.
 */
export function parseCliArgs(argv: readonly string[]): CliParse {
  const settings: CliSettings = { port: 8000, model: undefined, chunkDelayMs: 25 };
  for (let index = 0; index < argv.length; index += 1) {
    const argument = argv[index] ?? '';
    if (argument === '--help' || argument === '-h') return { kind: 'help' };
    const [flag, inline] = argument.startsWith('--') && argument.includes('=')
      ? [argument.slice(0, argument.indexOf('=')), argument.slice(argument.indexOf('=') + 1)]
      : [argument, undefined];
    if (flag !== '--port' && flag !== '--model' && flag !== '--chunk-delay-ms') {
      return { kind: 'error', message: `Unknown argument: ${argument}` };
    }
    const value = inline ?? argv[(index += 1)];
    if (value === undefined || value === '') return { kind: 'error', message: `${flag} needs a value.` };
    if (flag === '--port') {
      const port = wholeNumber(value);
      if (port === undefined || port > 65535) {
        return { kind: 'error', message: `--port must be a whole number from 0 to 65535, got "${value}".` };
      }
      settings.port = port;
    } else if (flag === '--chunk-delay-ms') {
      const delay = wholeNumber(value);
      if (delay === undefined || delay > 60_000) {
        return { kind: 'error', message: `--chunk-delay-ms must be a whole number from 0 to 60000, got "${value}".` };
      }
      settings.chunkDelayMs = delay;
    } else {
      if (value.startsWith('--')) return { kind: 'error', message: `--model needs a value, got "${value}".` };
      settings.model = value;
    }
  }
  return { kind: 'run', settings };
}

function wholeNumber(text: string): number | undefined {
  return /^\d+$/.test(text) ? Number(text) : undefined;
}
