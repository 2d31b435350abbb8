// The audit key: one Ed25519 private key in a PEM file kept outside the database. It signs the
// checkpoints, and the HMAC key that seals every entry of the chain is derived from it, so whoever
// holds only the database can neither recompute the chain nor forge a checkpoint.
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, hkdfSync, type KeyObject } from 'node:crypto';
import { readFileSync, statSync, writeFileSync } from 'node:fs';

export interface AuditKey {
  /** Names the key in checkpoints: the first 16 hex digits of the SHA-256 of its public key. */
  id: string;
  /** HMAC-SHA-256 key of the entries (chain version 2). */
  chain: Buffer;
  privateKey: KeyObject;
  publicKey: KeyObject;
}

/** Writes a new key file readable by its owner only; never replaces one (the keyed history would become unverifiable). */
export function createAuditKeyFile(path: string): AuditKey {
  const { privateKey } = generateKeyPairSync('ed25519');
  try {
    writeFileSync(path, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600, flag: 'wx' });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    throw new Error(`'${path}' exists: an audit key is never replaced, the entries it sealed would become unverifiable`);
  }
  return auditKey(privateKey);
}

/** Reads the key file; `field` names where it was configured, for the error. */
export function readAuditKeyFile(path: string, field: string): AuditKey {
  let pem: string;
  try {
    // Like ssh with its keys: a key others can read does not prove who wrote the log.
    const mode = statSync(path).mode & 0o777;
    if ((mode & 0o077) !== 0) throw new Error(`others can read it (mode ${mode.toString(8)}): chmod 600 '${path}'`);
    pem = readFileSync(path, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'no such file (create one with `export-guard audit key --out FILE`)' : code === 'EACCES' ? 'no permission' : (error as Error).message;
    throw new Error(`${field}: cannot use '${path}': ${why}`);
  }
  let privateKey: KeyObject;
  try {
    privateKey = createPrivateKey(pem);
  } catch {
    throw new Error(`${field}: '${path}' holds no private key in PEM`);
  }
  if (privateKey.asymmetricKeyType !== 'ed25519') throw new Error(`${field}: '${path}' is a ${privateKey.asymmetricKeyType} key, not Ed25519`);
  return auditKey(privateKey);
}

function auditKey(privateKey: KeyObject): AuditKey {
  const publicKey = createPublicKey(privateKey);
  const id = createHash('sha256').update(publicKey.export({ type: 'spki', format: 'der' })).digest('hex').slice(0, 16);
  const secret = privateKey.export({ type: 'pkcs8', format: 'der' });
  const chain = Buffer.from(hkdfSync('sha256', secret, 'export-guard', 'audit chain hmac', 32));
  return { id, chain, privateKey, publicKey };
}
