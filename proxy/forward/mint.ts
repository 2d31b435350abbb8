// Leaf certificates for the hosts the forward proxy intercepts, minted from the office CA that
// the browsers already trust (proxy/forward/connect.ts asks for one per CONNECT). A leaf names
// one host (SAN dNSName, or iPAddress for an IP literal), is valid for LEAF_HOURS only, and is
// kept per host until half of that has passed, so a leaked leaf is worth little and the CA's key
// signs a handful of certificates a day. All leaves share one EC P-256 key made at start; the CA
// key never leaves this process.
import { createPrivateKey, createPublicKey, randomBytes, webcrypto, type KeyObject } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { isIP } from 'node:net';
import { createSecureContext, type SecureContext } from 'node:tls';
// @peculiar/x509 registers its algorithms through tsyringe, which needs a Reflect metadata polyfill loaded first.
import 'reflect-metadata';
import * as x509 from '@peculiar/x509';

x509.cryptoProvider.set(webcrypto as Crypto);

export const LEAF_HOURS = 24;
/** Browsers and servers disagree on the time by a little: a leaf is valid from an hour ago. */
const BACKDATE_MS = 60 * 60 * 1000;

export interface OfficeCa {
  cert: x509.X509Certificate;
  /** The CA file as given (the CA, or the CA and its issuers): sent after each leaf. */
  chainPem: string;
  signingKey: CryptoKey;
  signingAlgorithm: Algorithm | EcdsaParams;
}

/** Reads and checks the office CA; `field` is where it was configured (config.forward.ca), for the errors. */
export async function readOfficeCa(certFile: string, keyFile: string, field: string): Promise<OfficeCa> {
  const chainPem = readFileSync(certFile, 'utf8');
  let cert: x509.X509Certificate;
  try {
    cert = new x509.X509Certificate(x509.PemConverter.decodeFirst(chainPem));
  } catch {
    throw new Error(`${field}.cert: '${certFile}' holds no certificate in PEM`);
  }
  if (!cert.getExtension(x509.BasicConstraintsExtension)?.ca) throw new Error(`${field}.cert: '${certFile}' is not a CA certificate (basicConstraints CA:TRUE)`);
  if (cert.notAfter.getTime() < Date.now() + LEAF_HOURS * 3600_000) throw new Error(`${field}.cert: '${certFile}' expires ${cert.notAfter.toISOString()}: renew the office CA`);

  // Like the audit key: whoever can read the CA's key can read every office's HTTPS.
  const mode = statSync(keyFile).mode & 0o777;
  if ((mode & 0o077) !== 0) throw new Error(`${field}.key: others can read '${keyFile}' (mode ${mode.toString(8)}): chmod 600 it`);
  let key: KeyObject;
  try {
    key = createPrivateKey(readFileSync(keyFile));
  } catch {
    throw new Error(`${field}.key: '${keyFile}' holds no private key in PEM`);
  }
  const spki = (k: KeyObject) => k.export({ type: 'spki', format: 'der' });
  if (!spki(createPublicKey(key)).equals(Buffer.from(cert.publicKey.rawData))) throw new Error(`${field}.key: '${keyFile}' is not the key of '${certFile}'`);
  const { importAlgorithm, signingAlgorithm } = algorithms(key, field);
  const signingKey = await webcrypto.subtle.importKey('pkcs8', key.export({ type: 'pkcs8', format: 'der' }), importAlgorithm, false, ['sign']);
  return { cert, chainPem, signingKey, signingAlgorithm };
}

function algorithms(key: KeyObject, field: string): { importAlgorithm: RsaHashedImportParams | EcKeyImportParams; signingAlgorithm: Algorithm | EcdsaParams } {
  if (key.asymmetricKeyType === 'rsa') return { importAlgorithm: { name: 'RSASSA-PKCS1-v1_5', hash: 'SHA-256' }, signingAlgorithm: { name: 'RSASSA-PKCS1-v1_5' } };
  const curve = { prime256v1: ['P-256', 'SHA-256'], secp384r1: ['P-384', 'SHA-384'] }[key.asymmetricKeyDetails?.namedCurve ?? ''];
  if (key.asymmetricKeyType === 'ec' && curve) return { importAlgorithm: { name: 'ECDSA', namedCurve: curve[0]! }, signingAlgorithm: { name: 'ECDSA', hash: curve[1]! } as EcdsaParams };
  throw new Error(`${field}.key: an RSA, EC P-256 or EC P-384 key is needed, got ${key.asymmetricKeyType} ${key.asymmetricKeyDetails?.namedCurve ?? ''}`.trim());
}

export interface Leaf {
  cert: x509.X509Certificate;
  context: SecureContext;
}

/** Mints leaves for hosts, one at a time per host, and keeps each until its half-life. */
export class LeafMint {
  private readonly keys = webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify']);
  private readonly cache = new Map<string, { leaf: Promise<Leaf>; renewAt: number }>();

  /** `minted` is told of each new leaf (for /metrics). */
  constructor(private readonly ca: OfficeCa, private readonly minted: () => void = () => undefined) {}

  /** The TLS context for `host` (a name or an IP literal, as the CONNECT named it). */
  leaf(host: string): Promise<Leaf> {
    const cached = this.cache.get(host);
    if (cached && cached.renewAt > Date.now()) return cached.leaf;
    const leaf = this.mint(host);
    this.cache.set(host, { leaf, renewAt: Date.now() + (LEAF_HOURS * 3600_000) / 2 });
    // A failed mint is tried again at the next CONNECT rather than remembered.
    leaf.catch(() => this.cache.delete(host));
    return leaf;
  }

  private async mint(host: string): Promise<Leaf> {
    const keys = await this.keys;
    const now = Date.now();
    const cert = await x509.X509CertificateGenerator.create({
      // Positive, 128 bits: unique without a counter that would have to survive restarts.
      serialNumber: `01${randomBytes(15).toString('hex')}`,
      subject: [{ CN: [host] }],
      issuer: this.ca.cert.subjectName,
      notBefore: new Date(now - BACKDATE_MS),
      notAfter: new Date(Math.min(now + LEAF_HOURS * 3600_000, this.ca.cert.notAfter.getTime())),
      publicKey: keys.publicKey,
      signingKey: this.ca.signingKey,
      signingAlgorithm: this.ca.signingAlgorithm,
      extensions: [
        new x509.BasicConstraintsExtension(false, undefined, true),
        new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
        new x509.ExtendedKeyUsageExtension([x509.ExtendedKeyUsage.serverAuth]),
        new x509.SubjectAlternativeNameExtension([{ type: isIP(host) ? 'ip' : 'dns', value: host }]),
        await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
        await authorityKeyId(this.ca.cert),
      ],
    });
    this.minted();
    const key = Buffer.from(await webcrypto.subtle.exportKey('pkcs8', keys.privateKey));
    const context = createSecureContext({
      cert: `${cert.toString('pem')}\n${this.ca.chainPem}`,
      key: createPrivateKey({ key, format: 'der', type: 'pkcs8' }).export({ type: 'pkcs8', format: 'pem' }),
      minVersion: 'TLSv1.2',
    });
    return { cert, context };
  }
}

/** The CA's own key identifier when it has one, so that clients match leaf and CA as its issuer set them up. */
async function authorityKeyId(ca: x509.X509Certificate): Promise<x509.AuthorityKeyIdentifierExtension> {
  const own = ca.getExtension(x509.SubjectKeyIdentifierExtension);
  return own ? new x509.AuthorityKeyIdentifierExtension(own.keyId) : x509.AuthorityKeyIdentifierExtension.create(ca.publicKey);
}
