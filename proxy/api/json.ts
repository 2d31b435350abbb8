// JSON request bodies of the proxy's own API: bounded reads, clear 4xx reasons.
import type { IncomingMessage } from 'node:http';
import { failingAs, object } from '../config-fields.js';

const MAX_JSON_BYTES = 8 * 1024 * 1024;

export class BadRequest extends Error {
  constructor(readonly status: number, readonly error: string, message: string) {
    super(message);
  }
}

export async function readJson(req: IncomingMessage): Promise<unknown> {
  if (!String(req.headers['content-type'] ?? '').startsWith('application/json')) {
    throw new BadRequest(415, 'unsupported-media-type', 'send the request body as application/json');
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.byteLength;
    if (size > MAX_JSON_BYTES) throw new BadRequest(413, 'too-large', `request body over ${MAX_JSON_BYTES} bytes`);
    chunks.push(chunk);
  }
  try {
    return JSON.parse(Buffer.concat(chunks).toString('utf8'));
  } catch (error) {
    throw new BadRequest(400, 'malformed-json', `request body is not valid JSON: ${(error as Error).message}`);
  }
}

/**
 * A parsed body checked with the proxy's field validators (proxy/config-fields.ts): a bad field is
 * a 400 whose `error` is the given code and whose message names the field.
 */
export function parseBody<T>(input: unknown, error: string, parse: (body: Record<string, unknown>) => T): T {
  return failingAs((message) => new BadRequest(400, error, message), () => parse(object(input, 'body')));
}
