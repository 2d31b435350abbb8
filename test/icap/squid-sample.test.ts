// deploy/squid/squid.conf is what an office copies: the installed Squid must accept it as written,
// only the office's CA and certificate store paths put in.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { expect, it } from 'vitest';
import { createTestCa, SQUID_PATH } from '../helpers/squid.js';

const SAMPLE = resolve(import.meta.dirname, '../../deploy/squid/squid.conf');

it('Squid parses the sample config without an error or warning', async () => {
  const ca = await createTestCa();
  const dir = await mkdtemp(join(tmpdir(), 'export-guard-squid-sample-'));
  try {
    const conf = (await readFile(SAMPLE, 'utf8'))
      .replaceAll('/etc/squid/office-ca.pem', ca.certPath)
      .replaceAll('/etc/squid/office-ca.key', ca.keyPath)
      .replaceAll('/var/lib/squid/ssl_db', join(dir, 'ssl_db'));
    await writeFile(join(dir, 'squid.conf'), conf);
    const parsed = await promisify(execFile)(SQUID_PATH, ['-k', 'parse', '-f', join(dir, 'squid.conf')]).catch((error: { stdout: string; stderr: string }) => {
      throw new Error(`squid -k parse failed:\n${error.stderr}`);
    });
    const output = `${parsed.stdout}${parsed.stderr}`;
    expect(output).toContain('Processing: icap_service export_guard reqmod_precache icap://127.0.0.1:1344/reqmod bypass=off');
    expect(output.split('\n').filter((line) => /unrecognized|ERROR|WARNING|FATAL/i.test(line))).toEqual([]);
  } finally {
    await rm(dir, { recursive: true, force: true });
    await ca.close();
  }
}, 30_000);
