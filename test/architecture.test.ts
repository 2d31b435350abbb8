// The direction data flows in, as the README draws it: shared/ at the bottom, the proxy and the
// extension on top of it and never of each other, the command line on top of the proxy, and a
// content script (it runs in every page) never pulling in the service worker's code.
import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../', import.meta.url));

interface Rule {
  from: string;
  mayNotImport: string[];
  instead: string;
}

const RULES: Rule[] = [
  { from: 'shared', mayNotImport: ['proxy', 'extension', 'cli', 'demo-portal', 'scripts'], instead: 'shared/ runs everywhere: move the code it needs into shared/, or pass it in from the caller' },
  { from: 'proxy', mayNotImport: ['extension', 'cli', 'demo-portal'], instead: 'the proxy stands alone: move what both need into shared/ (pure) or proxy/ (Node I/O the command line uses too)' },
  { from: 'extension', mayNotImport: ['proxy', 'cli', 'demo-portal'], instead: 'the extension talks to the proxy over HTTP: share types and pure code through shared/' },
  { from: 'extension/content', mayNotImport: ['extension/background'], instead: 'a content script must not bundle the service worker: move what both need to extension/ (outside background/)' },
  { from: 'extension/page', mayNotImport: ['extension/background'], instead: 'page scripts must not bundle the service worker: ask it with a message (shared/messages.ts)' },
];

function sourceFiles(folder: string): string[] {
  return readdirSync(join(ROOT, folder), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.(ts|js)$/.test(file) && !file.includes('node_modules'))
    .map((file) => join(folder, file));
}

/** Relative imports (static and dynamic), as paths from the repository's root. */
function importsOf(file: string): string[] {
  const text = readFileSync(join(ROOT, file), 'utf8');
  const specifiers = [...text.matchAll(/(?:from\s+|import\s*\(\s*|import\s+)['"](\.{1,2}\/[^'"]+)['"]/g)].map((m) => m[1]!);
  return specifiers.map((specifier) => relative(ROOT, resolve(dirname(join(ROOT, file)), specifier)));
}

const inside = (path: string, folder: string) => path === folder || path.startsWith(`${folder}/`);

describe('the direction of imports', () => {
  for (const rule of RULES) {
    it(`${rule.from}/ imports nothing of ${rule.mayNotImport.join(', ')}`, () => {
      const wrong: string[] = [];
      for (const file of sourceFiles(rule.from)) {
        for (const target of importsOf(file)) {
          const forbidden = rule.mayNotImport.find((folder) => inside(target, folder));
          if (forbidden) wrong.push(`${file} imports ${target}: ${rule.instead}`);
        }
      }
      expect(wrong).toEqual([]);
    });
  }
});
