// The one way the proxy validates what it is given: its config file (proxy/config.ts and the
// sections of proxy/approval/ and proxy/audit/), the users file and the bodies of its API. Each
// validator takes the value and the field's name, and throws a FieldError that starts with that
// name, so whoever gave the input can fix it without reading code. Each input turns a FieldError
// into its own kind of failure: a config error at start, a 400 answer, a users file error.

export class FieldError extends Error {}

/** The config file's: the proxy does not start. */
export class ConfigError extends FieldError {}

/**
 * What was given instead, as the message says it: numbers and booleans as they are, anything else
 * by its type only, since an API body or a users file may carry personal data and messages are
 * logged.
 */
function shown(value: unknown): string {
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  if (typeof value === 'string') return value === '' ? 'an empty string' : 'other text';
  if (value === undefined) return 'nothing';
  if (value === null) return 'null';
  return Array.isArray(value) ? 'a list' : 'an object';
}

export function object(value: unknown, field: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw new FieldError(`${field}: expected an object`);
  return value as Record<string, unknown>;
}

/** Unknown keys are typos until proven otherwise; keys starting with '$' are comments. */
export function knownKeys(value: Record<string, unknown>, known: readonly string[], field: string): void {
  const unknown = Object.keys(value).find((key) => !key.startsWith('$') && !known.includes(key));
  if (unknown) throw new FieldError(`${field}.${unknown}: unknown field (known: ${known.join(', ')})`);
}

export function boolean(value: unknown, field: string): boolean {
  if (typeof value !== 'boolean') throw new FieldError(`${field}: expected true or false, got ${shown(value)}`);
  return value;
}

/** A string; by default non-empty and of any length. */
export function string(value: unknown, field: string, { empty = false, maxLength = Infinity } = {}): string {
  if (typeof value !== 'string' || (value === '' && !empty) || value.length > maxLength) {
    const what = `${empty ? 'a' : 'a non-empty'} string${maxLength === Infinity ? '' : ` of at most ${maxLength} characters`}`;
    throw new FieldError(`${field}: expected ${what}, got ${shown(value)}`);
  }
  return value;
}

/** Any string, the empty one included: a name the user may not have given. */
export const text = (value: unknown, field: string): string => string(value, field, { empty: true });

/** A string of a given form: `what` says the form in words, e.g. '64 hex digits'. */
export function matching(value: unknown, field: string, pattern: RegExp, what: string): string {
  if (typeof value !== 'string' || !pattern.test(value)) throw new FieldError(`${field}: expected ${what}, got ${shown(value)}`);
  return value;
}

export function oneOf<T extends string>(value: unknown, field: string, options: readonly T[]): T {
  if (!options.includes(value as T)) throw new FieldError(`${field}: expected one of ${options.join(', ')}, got ${shown(value)}`);
  return value as T;
}

export function strings(value: unknown, field: string, each: (value: unknown, field: string) => string = string): string[] {
  if (!Array.isArray(value)) throw new FieldError(`${field}: expected a list of strings`);
  return value.map((v, i) => each(v, `${field}[${i}]`));
}

export function integer(value: unknown, field: string, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new FieldError(`${field}: expected an integer from ${min} to ${max}, got ${shown(value)}`);
  }
  return value;
}

/** An ISO 8601 time, given back in the one form the audit log stores. */
export function isoTime(value: unknown, field: string): string {
  if (typeof value !== 'string' || Number.isNaN(Date.parse(value))) throw new FieldError(`${field}: expected an ISO time, got ${shown(value)}`);
  return new Date(value).toISOString();
}

/** A SHA-256 as the detector and the token store write it: 64 lower-case hex digits. */
export const sha256Hex = (value: unknown, field: string): string => matching(value, field, /^[0-9a-f]{64}$/, '64 hex digits');

/** Runs a parser of fields and turns its FieldError into the input's own failure. */
export function failingAs<T>(failure: (message: string) => Error, parse: () => T): T {
  try {
    return parse();
  } catch (error) {
    if (error instanceof FieldError) throw failure(error.message);
    throw error;
  }
}
