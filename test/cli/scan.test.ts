// `export-guard scan` as IT and officers run it: real files, a real process, exit status and output.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { FIXTURES, fixturePath, type FixtureName } from '../helpers/fixtures.js';

interface Run {
  status: number;
  stdout: string;
  stderr: string;
}

/** Runs the command from source, so the test sees the code as it is now. */
function scan(args: string[], stdin?: Uint8Array, entry = ['--import', 'tsx', 'cli/main.ts']): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [...entry, 'scan', ...args], { encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error ? Number(error.code) : 0, stdout, stderr });
    });
    child.stdin!.end(stdin);
  });
}

const jsonLines = (stdout: string) => stdout.trim().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);

// Each test starts the command as a process or a few: seconds apiece on a loaded two-core machine.
describe('export-guard scan', { timeout: 90_000 }, () => {
  it('prints one JSON line per file with the catalogued verdict, and exits 1 when any is blocked', async () => {
    const names: FixtureName[] = ['leak-3-bsn-only.csv', 'leak-9-surname-rowid.xlsx', 'vacancies.xlsx', 'letter.pdf'];
    const paths = await Promise.all(names.map((name) => fixturePath(name)));
    const run = await scan(['--json', ...paths]);
    expect(run.status).toBe(1);
    const lines = jsonLines(run.stdout);
    expect(lines.map((line) => [line.file, line.verdict])).toEqual(names.map((name, i) => [paths[i], FIXTURES[name].expect.verdict]));
    for (const line of lines) {
      expect(line).toMatchObject({ kind: expect.any(String), reasons: expect.any(Array), sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
      for (const reason of line.reasons as { code: string }[]) expect(reason.code).toMatch(/^[a-z-]+$/);
    }
  });

  it('exits 0 when every file is allowed, and says so in one line per file', async () => {
    const paths = await Promise.all((['vacancies.xlsx', 'schedule.csv'] as const).map((name) => fixturePath(name)));
    const run = await scan(paths);
    expect(run.status).toBe(0);
    expect(run.stdout.trim().split('\n')).toEqual(paths.map((path) => expect.stringMatching(new RegExp(`^ALLOW  ${path}  \\(`))));
  });

  it('names the reasons of a block in Dutch by default and in English on request, never the values', async () => {
    const path = await fixturePath('leak-3-bsn-only.csv');
    const dutch = await scan([path]);
    expect(dutch.stdout).toMatch(/^BLOCK {2}.*\n {2}Dit bestand bevat gegevens van 135 mensen \(BSN\) en mag niet als bijlage mee\.\n {2}- bsn-column: .*burgerservicenummers/);
    const english = await scan(['--lang', 'en', path]);
    expect(english.stdout).toMatch(/bsn-column: .*citizen service numbers/);
    const firstBsn = (await readFile(path, 'utf8')).split(/\r?\n/)[0]!.trim();
    expect(firstBsn).toMatch(/^\d{8,9}$/);
    expect(dutch.stdout + english.stdout).not.toContain(firstBsn);
  });

  it('leads a block with the sentence the block dialog leads with, in either language, and names no sheet of a csv', async () => {
    const run = await scan(['--lang', 'en', await fixturePath('export.csv.gz'), await fixturePath('leak-7.csv')]);
    expect(run.stdout.split('\n').filter((line) => line.startsWith('  This file'))).toEqual([
      '  This file holds data about 90 people (BSN, names, postcodes and more) and may not be attached.',
      '  This file holds data about 90 people (BSN, names, postcodes and more) and may not be attached.',
    ]);
    expect(run.stdout).not.toMatch(/sheet/);
  });

  it('counts a header as no row, whether the file is blocked or allowed', async () => {
    const people = (await readFile(await fixturePath('leak-7.csv'), 'utf8')).trim().split(/\r?\n/);
    expect(people[0]).toMatch(/^Achternaam;/);
    const workshops = ['Datum;Tijd;Workshop;Locatie', ...Array.from({ length: 89 }, (_, i) => `0${(i % 9) + 1}-09-2018;10:00;Solliciteren;Zaal ${i % 3}`)];
    const blocked = await scan(['-'], new TextEncoder().encode(people.join('\n')));
    const allowed = await scan(['-'], new TextEncoder().encode(workshops.join('\n')));
    expect([blocked.stdout.split('\n')[0], allowed.stdout.split('\n')[0]]).toEqual(['BLOCK  -  (csv, 90 rijen)', 'ALLOW  -  (csv, 89 rijen)']);
  });

  it('counts the rows as a reader of the language says them: 1 rij, 1.234 rijen, 1,234 rows', async () => {
    expect((await scan(['-'], new TextEncoder().encode('Naam;Plaats\nJansen;Utrecht\n'))).stdout).toMatch(/\(csv, 1 rij\)/);
    const rows = new TextEncoder().encode(Array.from({ length: 1235 }, (_, i) => (i === 0 ? 'Plaats;Aantal' : `Regio ${i % 12};${i}`)).join('\n'));
    expect((await scan(['-'], rows)).stdout).toMatch(/\(csv, 1\.234 rijen\)/);
    expect((await scan(['--lang', 'en', '-'], rows)).stdout).toMatch(/\(csv, 1,234 rows\)/);
  });

  it('reads standard input for -', async () => {
    const run = await scan(['--json', '-'], await readFile(await fixturePath('bsn-per-line.txt')));
    expect(run.status).toBe(1);
    expect(jsonLines(run.stdout)).toEqual([expect.objectContaining({ file: '-', verdict: 'block' })]);
  });

  it('exits 2 on a path it cannot read, after scanning the others', async () => {
    const run = await scan(['--json', '/nonexistent/export.xlsx', await fixturePath('vacancies.xlsx')]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("'/nonexistent/export.xlsx': bestaat niet");
    expect(run.stderr).not.toMatch(/ENOENT|at .*\.ts/);
    expect(jsonLines(run.stdout)).toEqual([
      { file: '/nonexistent/export.xlsx', error: { code: 'ENOENT', message: 'bestaat niet' } },
      expect.objectContaining({ verdict: 'allow' }),
    ]);
  });

  it('says a folder is no file, in the language asked for, and takes --option=value', async () => {
    const run = await scan(['--lang=en', '--json', tmpdir()]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain(`'${tmpdir()}': is a folder, not a file`);
    expect(jsonLines(run.stdout)).toEqual([{ file: tmpdir(), error: { code: 'EISDIR', message: 'is a folder, not a file' } }]);
  });

  it('exits 2 on usage errors and on a bad policy file, naming the field', async () => {
    expect((await scan([])).status).toBe(2);
    expect((await scan(['--bogus', 'x'])).stderr).toContain("unknown option '--bogus'");
    expect((await scan(['--lang', 'fr', 'x'])).status).toBe(2);
    const dir = await mkdtemp(join(tmpdir(), 'eg-cli-'));
    const policy = join(dir, 'policy.json');
    await writeFile(policy, JSON.stringify({ limits: { maxFileBytes: -1 } }));
    const bad = await scan(['--policy', policy, await fixturePath('vacancies.xlsx')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('policy.limits.maxFileBytes');
  });

  it('applies the policy file it is given', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eg-cli-'));
    const policy = join(dir, 'policy.json');
    await writeFile(policy, JSON.stringify({ limits: { maxFileBytes: 1000 } }));
    const run = await scan(['--json', '--policy', policy, await fixturePath('vacancies.xlsx')]);
    expect(run.status).toBe(1);
    expect(jsonLines(run.stdout)[0]).toMatchObject({ verdict: 'block', reasons: [expect.objectContaining({ code: 'file-too-large' })] });
  });

  it('runs as the installed `export-guard` command (the bundle npm ci builds), loading none of the proxy', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'eg-cli-'));
    try {
      const logged = join(dir, 'loaded.txt');
      const run = await scan(['--json', await fixturePath('leak-9-surname-rowid.xlsx')], undefined, ['--import', await moduleLogger(dir, logged), 'bin/export-guard.js']);
      expect(run.status).toBe(1);
      expect(jsonLines(run.stdout)[0]).toMatchObject({ verdict: 'block' });
      const loaded = (await readFile(logged, 'utf8')).trim().split('\n');
      expect(loaded).toContainEqual(expect.stringMatching(/\/build\/bundle\/export-guard\.js$/));
      // A caseworker's scan waits for none of the server's code: its packages, sockets and workers.
      expect(loaded.filter((url) => PROXY_ONLY.test(url))).toEqual([]);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

const PROXY_ONLY = /\/node_modules\/(better-sqlite3|pg|ws|http-proxy|@peculiar\/x509|reflect-metadata)\/|^node:(http|https|net|tls|worker_threads)$|\/build\/(cli|proxy)\//;

/** A module for `node --import` that writes every module URL the process resolves to `logged`, one a line. */
async function moduleLogger(dir: string, logged: string): Promise<string> {
  const hooks = join(dir, 'hooks.mjs');
  await writeFile(
    hooks,
    `import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(${JSON.stringify(logged)}, resolved.url + '\\n');
  return resolved;
}`,
  );
  const register = join(dir, 'register.mjs');
  await writeFile(register, `import { register } from 'node:module';\nregister(${JSON.stringify(pathToFileURL(hooks).href)});\n`);
  return register;
}
