#!/usr/bin/env node
/**
 * `npm start`: the desktop app where Electron is installed; otherwise says so and starts the browser harness
 * (same main services, same handlers, the built renderer in your browser). Extra arguments are passed on, e.g.
 * `npm start -- --policy ./policy.json` or, for the harness, `npm start -- --llm-url http://127.0.0.1:8000/v1`.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const args = process.argv.slice(2);

function electronBinary() {
  const pathFile = join('node_modules', 'electron', 'path.txt');
  if (!existsSync(pathFile)) return null;
  const binary = join('node_modules', 'electron', 'dist', readFileSync(pathFile, 'utf8').trim());
  return existsSync(binary) ? binary : null;
}

function forward(command, commandArgs) {
  const child = spawn(command, commandArgs, { stdio: 'inherit' });
  for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
  child.on('exit', (code) => process.exit(code ?? 0));
}

if (electronBinary()) {
  forward(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'preview', ...(args.length ? ['--', ...args] : [])]);
} else {
  console.log('Electron is not installed on this machine (its binary could not be downloaded).');
  console.log('Starting the browser harness instead: open the address printed below in Chromium or Chrome.');
  const urlIndex = args.indexOf('--llm-url');
  const llmUrl = (urlIndex >= 0 ? args[urlIndex + 1] : undefined) ?? process.env.CPA_LLM_BASE_URL ?? 'http://127.0.0.1:8000/v1';
  console.log(`Model server: ${llmUrl} (no vLLM? run \`npm run fake-llm -- --port 8000\` in another terminal for a scripted test server).`);
  const hasPort = args.some((arg) => arg === '--port' || arg.startsWith('--port='));
  forward(process.execPath, ['node_modules/tsx/dist/cli.mjs', 'test/harness/cli.ts', ...(hasPort ? [] : ['--port', '5174']), ...args]);
}
