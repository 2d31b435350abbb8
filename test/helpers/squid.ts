/// <reference types="chrome" />
// A real Squid (Debian's squid-openssl) as the office's web gateway: it decrypts HTTPS with a test
// CA (ssl_bump, leaf certificates minted by security_file_certgen) and, when given an ICAP
// service, sends every decrypted request to it (REQMOD, bypass=off: fail closed). Everything it
// writes lives in one temp dir; close() stops it and removes the dir. Also the test CA, a
// certificate for the portal signed by it, and Chromium trusting that CA through its own NSS
// database (as an office's managed browsers trust the office CA).
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { chmod, chown, mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { createServer, connect } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import puppeteer, { type Browser, type WebWorker } from 'puppeteer-core';
import { EXTENSION_ID } from '../../extension/extension-id.js';
import { HEADERS } from '../../shared/api.js';
import { CHROMIUM_PATH } from './browser.js';

const run = promisify(execFile);
export const SQUID_PATH = process.env.SQUID_PATH ?? '/usr/sbin/squid';
const CERTGEN_PATH = process.env.SQUID_CERTGEN_PATH ?? '/usr/lib/squid/security_file_certgen';
const TOKEN_HEADER = HEADERS.token;
/** Squid refuses to run as root; it drops to this user, which must read and write its dir. */
const SQUID_USER = 'proxy';

export interface TestCa {
  dir: string;
  certPath: string;
  keyPath: string;
  certPem: string;
  /** A server certificate for `hostname`, signed by the CA (PEM key and certificate). */
  issue(hostname: string): Promise<{ key: string; cert: string }>;
  close(): Promise<void>;
}

/** A throwaway CA, as the office's own; RSA 2048 because Squid signs its minted leaves with this key. */
export async function createTestCa(): Promise<TestCa> {
  const dir = await mkdtemp(join(tmpdir(), 'export-guard-ca-'));
  const certPath = join(dir, 'ca.pem');
  const keyPath = join(dir, 'ca.key');
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', certPath, '-days', '2', '-subj', '/O=export-guard tests/CN=export-guard test office CA',
    '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  let serial = 1;
  return {
    dir,
    certPath,
    keyPath,
    certPem: await readFile(certPath, 'utf8'),
    async issue(hostname) {
      const base = join(dir, `${hostname}-${serial}`);
      await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${base}.key`, '-out', `${base}.pem`, '-days', '2', '-subj', `/CN=${hostname}`,
        '-CA', certPath, '-CAkey', keyPath, '-set_serial', String(1000 + serial++),
        '-addext', `subjectAltName=DNS:${hostname}`, '-addext', 'basicConstraints=critical,CA:FALSE', '-addext', 'extendedKeyUsage=serverAuth']);
      return { key: await readFile(`${base}.key`, 'utf8'), cert: await readFile(`${base}.pem`, 'utf8') };
    },
    close: () => rm(dir, { recursive: true, force: true }),
  };
}

export interface SquidOptions {
  ca: TestCa;
  /** `icap://127.0.0.1:PORT/reqmod`; without it Squid only decrypts (the bench's baseline). */
  icapUrl?: string;
  /** Names Squid resolves itself (its hosts_file), e.g. { 'portal.test': '127.0.0.1' }: the protected portals, decrypted and sent to ICAP. */
  hosts?: Record<string, string>;
}

export interface RunningSquid {
  /** The proxy address browsers and clients are given, http://127.0.0.1:PORT. */
  url: string;
  port: number;
  /** Squid's own log (cache_log) and its access log, for a failing test's message. */
  logs(): Promise<string>;
  /**
   * The access log: one line per request, '... STATUS HIERARCHY BYTES METHOD URL token-in=VALUE
   * token-out=VALUE'; HIERARCHY is HIER_DIRECT when the request went to the portal, HIER_NONE
   * when Squid answered (with the ICAP service's refusal); token-in is the export-guard token
   * header as the browser sent it, token-out as it was after ICAP ('-' when absent).
   */
  accessLog(): Promise<string[]>;
  close(): Promise<void>;
}

function squidConf(dir: string, port: number, options: SquidOptions, asRoot: boolean): string {
  const protectedHosts = Object.keys(options.hosts ?? {}).join(' ') || 'portal.test';
  const lines = [
    `# Written by test/helpers/squid.ts; see deploy/squid/squid.conf for the commented office version.`,
    ...(asRoot ? [`cache_effective_user ${SQUID_USER}`] : []),
    `pid_filename ${dir}/squid.pid`,
    `cache_log ${dir}/cache.log`,
    // What came in and, after ICAP, what went to the portal: a token header must be gone by then.
    `logformat egtest %ts.%03tu %6tr %Ss/%03>Hs %Sh %<st %rm %ru token-in=%{${TOKEN_HEADER}}>h token-out=%{${TOKEN_HEADER}}>ha`,
    `access_log stdio:${dir}/access.log egtest`,
    `cache_store_log none`,
    `coredump_dir ${dir}`,
    `netdb_filename none`,
    `pinger_enable off`,
    `logfile_rotate 0`,
    `visible_hostname export-guard-test-gateway`,
    // No cache at all: every request goes to the portal (and through ICAP) as it would uncached.
    `cache deny all`,
    `cache_mem 8 MB`,
    `shutdown_lifetime 0 seconds`,
    `hosts_file ${dir}/hosts`,
    `dns_nameservers 127.0.0.1`,
    `http_port 127.0.0.1:${port} ssl-bump tls-cert=${dir}/ca.pem tls-key=${dir}/ca.key generate-host-certificates=on dynamic_cert_mem_cache_size=4MB`,
    `sslcrtd_program ${CERTGEN_PATH} -s ${dir}/ssl_db -M 4MB`,
    `sslcrtd_children 2 startup=1 idle=1`,
    // The portal's own certificate is checked against the same test CA (the internet's CAs in an office).
    `tls_outgoing_options cafile=${dir}/ca.pem`,
    // As deploy/squid/squid.conf: the protected names are decrypted, every other site is spliced.
    `acl portal_tls ssl::server_name ${protectedHosts}`,
    `acl portal_sites dstdomain ${protectedHosts}`,
    `acl step1 at_step SslBump1`,
    `ssl_bump peek step1`,
    `ssl_bump bump portal_tls`,
    `ssl_bump splice all`,
    `http_access allow localhost`,
    `http_access deny all`,
    ...(options.icapUrl
      ? [
          `icap_enable on`,
          `icap_send_client_ip on`,
          `icap_persistent_connections on`,
          `icap_service export_guard reqmod_precache ${options.icapUrl} bypass=off`,
          // Squid asks about the CONNECT too (the service passes it), then about each request inside it.
          `adaptation_access export_guard allow portal_sites`,
          `adaptation_access export_guard deny all`,
          // The portal's answers to uploads, for the approvers' attachment ledger (proxy/icap/respmod.ts).
          `adaptation_masterx_shared_names X-Export-Guard-Upload`,
          `icap_service export_guard_answers respmod_precache ${options.icapUrl.replace(/\/reqmod$/, '/respmod')} bypass=off`,
          `acl upload_methods method POST PUT PATCH`,
          `adaptation_access export_guard_answers allow portal_sites upload_methods`,
          `adaptation_access export_guard_answers deny all`,
        ]
      : []),
  ];
  return `${lines.join('\n')}\n`;
}

/** A free loopback port for Squid (which cannot be told to pick one). */
async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

async function ownedBySquid(path: string, uid: number, gid: number): Promise<void> {
  await chown(path, uid, gid);
  for (const entry of await readdir(path, { withFileTypes: true })) {
    const full = join(path, entry.name);
    if (entry.isDirectory()) await ownedBySquid(full, uid, gid);
    else await chown(full, uid, gid);
  }
}

export async function startSquid(options: SquidOptions): Promise<RunningSquid> {
  const dir = await mkdtemp(join(tmpdir(), 'export-guard-squid-'));
  const asRoot = process.getuid?.() === 0;
  let child: ChildProcess | undefined;
  const killOnExit = () => child?.kill('SIGKILL');
  const logs = async () => {
    const read = (name: string) => readFile(join(dir, name), 'utf8').catch(() => '');
    return `--- cache.log\n${(await read('cache.log')).slice(-6000)}\n--- access.log\n${(await read('access.log')).slice(-4000)}`;
  };
  const stopSquid = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    process.off('exit', killOnExit);
  };
  const close = async () => {
    await stopSquid();
    await rm(dir, { recursive: true, force: true });
  };
  try {
    await writeFile(join(dir, 'ca.pem'), options.ca.certPem);
    await writeFile(join(dir, 'ca.key'), await readFile(options.ca.keyPath));
    await writeFile(join(dir, 'hosts'), Object.entries(options.hosts ?? {}).map(([name, address]) => `${address} ${name}\n`).join(''));
    await run(CERTGEN_PATH, ['-c', '-s', join(dir, 'ssl_db'), '-M', '4MB']);
    if (asRoot) {
      const { uid, gid } = await squidUser();
      await ownedBySquid(dir, uid, gid);
      await chmod(dir, 0o700);
    }
    for (let attempt = 1; ; attempt++) {
      const port = await freePort();
      await writeFile(join(dir, 'squid.conf'), squidConf(dir, port, options, asRoot));
      child = spawn(SQUID_PATH, ['-N', '-f', join(dir, 'squid.conf')], { stdio: ['ignore', 'ignore', 'pipe'] });
      process.once('exit', killOnExit);
      let stderr = '';
      child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
      const ready = await listening(port, child, 30_000);
      if (ready) {
        const url = `http://127.0.0.1:${port}`;
        const accessLog = async () => (await readFile(join(dir, 'access.log'), 'utf8').catch(() => '')).split('\n').filter(Boolean);
        return { url, port, logs, accessLog, close };
      }
      await stopSquid();
      const message = `${stderr}\n${await logs()}`;
      // Another process may have taken the port between freePort() and Squid's bind.
      if (attempt < 3 && /Address already in use/.test(message)) continue;
      throw new Error(`squid did not start:\n${message}`);
    }
  } catch (error) {
    await close().catch(() => undefined);
    throw error;
  }
}

async function squidUser(): Promise<{ uid: number; gid: number }> {
  const { stdout } = await run('id', ['-u', SQUID_USER]);
  const { stdout: group } = await run('id', ['-g', SQUID_USER]);
  return { uid: Number(stdout.trim()), gid: Number(group.trim()) };
}

/** True once Squid accepts connections on `port`; false when it exited first or took too long. */
async function listening(port: number, child: ChildProcess, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) return false;
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return true;
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return false;
}

export interface GatewayBrowser {
  browser: Browser;
  /** The extension's background service worker, once its chrome.* is there (with `extensionDir` only). */
  worker(): Promise<WebWorker>;
  close(): Promise<void>;
}

/**
 * Chromium with every request through `proxyUrl` and the test CA trusted as an office's managed
 * browser trusts its CA: in the NSS database of the profile's home ($HOME/.pki/nssdb, read by
 * Chromium on Linux), added with certutil (libnss3-tools). Without the extension, or with the
 * build in `extensionDir`.
 */
export async function launchThroughGateway(proxyUrl: string, ca: TestCa, extensionDir?: string): Promise<GatewayBrowser> {
  const home = await mkdtemp(join(tmpdir(), 'export-guard-gateway-browser-'));
  let browser: Browser | undefined;
  const close = async () => {
    await browser?.close().catch(() => undefined);
    await rm(home, { recursive: true, force: true });
  };
  try {
    const nssdb = join(home, '.pki', 'nssdb');
    await mkdir(nssdb, { recursive: true });
    await run('certutil', ['-N', '-d', `sql:${nssdb}`, '--empty-password']);
    await run('certutil', ['-A', '-d', `sql:${nssdb}`, '-n', 'export-guard test office CA', '-t', 'C,,', '-i', ca.certPath]);
    const extension = extensionDir ? [`--load-extension=${extensionDir}`, `--disable-extensions-except=${extensionDir}`] : [];
    const launched = await puppeteer.launch({
      executablePath: CHROMIUM_PATH,
      headless: true,
      userDataDir: join(home, 'profile'),
      env: { ...process.env, HOME: home },
      ...(extensionDir ? { ignoreDefaultArgs: ['--disable-extensions'] } : {}),
      args: ['--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--lang=nl', `--proxy-server=${proxyUrl}`, ...extension],
    });
    browser = launched;
    const worker = async () => {
      const target = await launched.waitForTarget((t) => t.type() === 'service_worker' && t.url().startsWith(`chrome-extension://${EXTENSION_ID}/`), { timeout: 15_000 });
      const found = await target.worker();
      if (!found) throw new Error('the extension service worker target has no worker');
      // The target appears before the worker's script has run; until then it has no chrome.*.
      for (let tries = 0; !(await found.evaluate(() => typeof chrome === 'object' && typeof chrome.runtime?.id === 'string')); tries++) {
        if (tries === 100) throw new Error('the extension service worker never started');
        await new Promise((done) => setTimeout(done, 50));
      }
      return found;
    };
    if (extensionDir) await worker();
    return { browser: launched, worker, close };
  } catch (error) {
    await close();
    throw error;
  }
}
