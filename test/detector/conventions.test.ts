// House rules that code review would otherwise have to remember: every recognizer is registered,
// carries its own examples (each negative with its reason) and its label; shared/ runs in a browser.
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { describe, expect, test } from 'vitest';
import { RECOGNIZERS } from '../../shared/detector/recognizers/index.js';
import type { Recognizer } from '../../shared/detector/recognizers/types.js';
import { normalizeHeader } from '../../shared/detector/analyse/header.js';
import { SCHEMA_PATH, withEntities } from '../../scripts/schema.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const RECOGNIZER_DIR = join(ROOT, 'shared/detector/recognizers');
/** Not recognizers: the registry and the type. Helpers live in recognizers/lib/. */
const NOT_RECOGNIZERS = new Set(['index.ts', 'types.ts']);

const moduleFiles = readdirSync(RECOGNIZER_DIR).filter((file) => file.endsWith('.ts') && !NOT_RECOGNIZERS.has(file));

function isRecognizer(value: unknown): value is Recognizer {
  return typeof value === 'object' && value !== null && 'id' in value && 'matches' in value && 'examples' in value;
}

describe('recognizer modules', () => {
  test.each(moduleFiles)('%s exports a registered recognizer with examples and a reason message', async (file) => {
    const exports = (await import(pathToFileURL(join(RECOGNIZER_DIR, file)).href)) as Record<string, unknown>;
    const recognizers = Object.values(exports).filter(isRecognizer);
    expect(recognizers, `${file} exports no Recognizer: export one, or move helpers to recognizers/lib/`).not.toHaveLength(0);
    for (const recognizer of recognizers) {
      const where = `${file} (${recognizer.id})`;
      expect(RECOGNIZERS.includes(recognizer), `${where} is not registered: add it to RECOGNIZERS in recognizers/index.ts`).toBe(true);
      const { values, headers } = recognizer.examples;
      expect(values.positive.length, `${where} has no positive value examples: add some to examples.values.positive`).toBeGreaterThan(0);
      expect(values.negative.length, `${where} has no negative value examples: add some to examples.values.negative`).toBeGreaterThan(0);
      expect(headers.positive.length, `${where} has no positive header examples: add some to examples.headers.positive`).toBeGreaterThan(0);
      expect(headers.negative.length, `${where} has no negative header examples: add some to examples.headers.negative`).toBeGreaterThan(0);
      for (const language of ['nl', 'en'] as const) {
        expect(recognizer.label[language].one && recognizer.label[language].other, `${where} has no ${language} label: fill in label.${language}`).toBeTruthy();
      }
      for (const negative of [...values.negative, ...headers.negative, ...(recognizer.examples.columns?.negative ?? [])]) {
        expect(negative.reason.trim(), `${where}: say why ${JSON.stringify('value' in negative ? negative.value : negative.values)} is a negative example`).not.toBe('');
      }
      for (const entry of [...recognizer.headers.nl, ...recognizer.headers.en]) {
        expect(normalizeHeader(entry), `${where} header '${entry}' is not normalised: write it as '${normalizeHeader(entry)}'`).toBe(entry);
      }
    }
  });

  test("the policy schema's entity list is the recognizers' ids, generated", () => {
    const schema = readFileSync(SCHEMA_PATH, 'utf8');
    const ids = RECOGNIZERS.map((r) => r.id);
    expect(withEntities(schema, ids), 'shared/policy/policy.schema.json lists other entities than the recognizers: run `npm run schema`').toBe(schema);
    const parsed = JSON.parse(schema) as { $defs: { entity: { enum: string[] } } };
    expect(parsed.$defs.entity.enum).toEqual(ids);
  });

  test('entity ids are unique', () => {
    const ids = RECOGNIZERS.map((r) => r.id);
    expect(ids.filter((id, i) => ids.indexOf(id) !== i), 'two recognizers share an id').toEqual([]);
  });
});

function* typescriptFiles(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* typescriptFiles(path);
    else if (entry.name.endsWith('.ts')) yield path;
  }
}

/** Comments may mention Node; only code counts. */
function withoutComments(source: string): string {
  return source.replace(/\/\*[\s\S]*?\*\//g, '').replace(/(^|[^:'"`])\/\/.*$/gm, '$1');
}

const NODE_ONLY: [RegExp, string][] = [
  [/from\s+['"]node:|import\(\s*['"]node:|require\(/, 'imports a Node module'],
  [/\bBuffer\b/, 'uses Buffer (use Uint8Array)'],
  [/\bprocess\b/, 'uses process'],
];

describe('shared/ is browser-safe', () => {
  const files = [...typescriptFiles(join(ROOT, 'shared'))].map((path) => relative(ROOT, path));
  test.each(files)('%s uses no Node-only API', (file) => {
    const code = withoutComments(readFileSync(join(ROOT, file), 'utf8'));
    for (const [pattern, problem] of NODE_ONLY) {
      expect(pattern.test(code), `${file} ${problem}: shared/ also runs in the browser extension; do I/O at the edges`).toBe(false);
    }
  });
});
