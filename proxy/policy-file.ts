// Reads a policy JSON file for the proxy and the command line; errors name the file and the field.
import { readFile } from 'node:fs/promises';
import { parsePolicy } from '../shared/policy/parse.js';
import type { Policy } from '../shared/policy/types.js';

export async function loadPolicyFile(path: string): Promise<Policy> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    throw new Error(`cannot read policy file '${path}': ${(error as NodeJS.ErrnoException).code ?? String(error)}`);
  }
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new Error(`policy file '${path}' is not valid JSON: ${(error as Error).message}`);
  }
  try {
    return parsePolicy(raw);
  } catch (error) {
    throw new Error(`policy file '${path}': ${(error as Error).message}`);
  }
}
