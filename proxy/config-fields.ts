// Validators for the fields of the proxy's config file, shared by the core sections
// (proxy/config.ts) and the four-eyes sections (proxy/approval/config.ts). Each names the field in
// its error, so IT can fix a config without reading code.

export class ConfigError extends Error {}

export function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new ConfigError(`${field}: expected an object`);
  return value as Record<string, unknown>;
}

/** Unknown keys are typos until proven otherwise; keys starting with '$' are comments. */
export function knownKeys(value: Record<string, unknown>, known: readonly string[], field: string): void {
  const unknown = Object.keys(value).find((key) => !key.startsWith('$') && !known.includes(key));
  if (unknown) throw new ConfigError(`${field}.${unknown}: unknown field (known: ${known.join(', ')})`);
}

export function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new ConfigError(`${field}: expected true or false, got ${JSON.stringify(value)}`);
  return value;
}

export function string(value: unknown, field: string): string {
  if (typeof value !== 'string' || value === '') throw new ConfigError(`${field}: expected a non-empty string, got ${JSON.stringify(value)}`);
  return value;
}

export function strings(value: unknown, field: string): string[] {
  if (!Array.isArray(value)) throw new ConfigError(`${field}: expected a list of strings`);
  return value.map((v, i) => string(v, `${field}[${i}]`));
}

export function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new ConfigError(`${field}: expected an integer from ${min} to ${max}, got ${JSON.stringify(value)}`);
  }
  return value;
}
