import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as delay } from 'node:timers/promises';
import { openAiError } from './openAiError.js';

/** Reads the whole request body as UTF-8 text. */
export async function readBody(request: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  for await (const part of request) parts.push(part as Buffer);
  return Buffer.concat(parts).toString('utf8');
}

/** Parses JSON, or returns `undefined` for an empty or invalid body (recorded as such). */
export function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

/** Sends a complete JSON response. */
export function sendJson(
  response: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  const text = JSON.stringify(body);
  response.writeHead(status, {
    'content-type': 'application/json',
    'content-length': Buffer.byteLength(text),
    ...headers,
  });
  response.end(text);
}

/** Sends an OpenAI-shaped error. */
export function sendError(
  response: ServerResponse,
  status: number,
  message: string,
  options: { type?: string; headers?: Record<string, string> } = {},
): void {
  sendJson(response, status, openAiError(status, message, options.type), options.headers);
}

/**
 * Writes text and resolves once it has been handed to the socket, or resolves
 * false when the response is already gone. Waiting matters before a scripted
 * disconnect: destroying the socket would otherwise drop buffered chunks.
 */
export function write(response: ServerResponse, text: string): Promise<boolean> {
  if (response.destroyed) return Promise.resolve(false);
  return new Promise((resolve) => {
    response.write(text, (error) => resolve(!error));
  });
}

/** Waits `ms`; resolves false instead of throwing when `signal` aborts first. */
export async function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  if (signal.aborted) return false;
  if (ms <= 0) return true;
  try {
    await delay(ms, undefined, { signal });
    return true;
  } catch {
    return false;
  }
}
