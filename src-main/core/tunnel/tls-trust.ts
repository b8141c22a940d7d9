/**
 * Which certificate authorities the tunnel connection trusts: the operating system's
 * (corporate networks install their TLS-inspecting roots there), Node's bundled Mozilla
 * roots, and any extra PEM files the user names with `-c` (a directory or a file).
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import tls from 'node:tls';
import { ConfigError } from '../config/proxy-config.js';

/** Where Linux distributions and macOS (with Homebrew) keep the system CA bundle. */
const SYSTEM_BUNDLES = [
  '/etc/ssl/certs/ca-certificates.crt', // Debian, Ubuntu, Arch, Gentoo
  '/etc/pki/tls/certs/ca-bundle.crt', // Fedora, RHEL, Amazon Linux
  '/etc/ssl/ca-bundle.pem', // openSUSE
  '/etc/ssl/cert.pem', // Alpine, macOS
];

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

function pemCertificatesIn(text: string): string[] {
  return text.match(PEM_CERTIFICATE) ?? [];
}

/** The system's CA certificates: Node 22.15+ can list them; older Node reads the usual bundle. */
function systemCertificates(): string[] {
  const withSystem = tls as typeof tls & { getCACertificates?: (type: string) => string[] };
  if (typeof withSystem.getCACertificates === 'function') {
    try {
      return withSystem.getCACertificates('system');
    } catch {
      // fall through to the bundle files
    }
  }
  for (const path of SYSTEM_BUNDLES) {
    if (existsSync(path)) return pemCertificatesIn(readFileSync(path, 'utf8'));
  }
  return [];
}

/** Reads every PEM certificate in a file, or in the files of a directory (`-c`). */
export function readExtraCertificates(caPath: string): string[] {
  let stat;
  try {
    stat = statSync(caPath);
  } catch {
    throw new ConfigError(
      `"${caPath}" does not exist; give a directory or file of PEM CA certificates`,
      '-c/--capath',
    );
  }
  const files = stat.isDirectory()
    ? readdirSync(caPath)
        .map((name) => join(caPath, name))
        .filter((path) => statSync(path).isFile())
    : [caPath];
  const certificates = files.flatMap((path) => pemCertificatesIn(readFileSync(path, 'utf8')));
  if (certificates.length === 0) {
    throw new ConfigError(
      `no PEM certificate ("-----BEGIN CERTIFICATE-----") found in "${caPath}"`,
      '-c/--capath',
    );
  }
  return certificates;
}

/** The CA list for the tunnel's TLS connection. */
export function trustedCertificates(caPath?: string): string[] {
  const all = new Set<string>([...tls.rootCertificates, ...systemCertificates()]);
  if (caPath) for (const cert of readExtraCertificates(caPath)) all.add(cert);
  return [...all];
}
