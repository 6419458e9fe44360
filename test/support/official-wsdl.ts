import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository root (this file lives in `<root>/test/support`). */
export const repoRoot: string = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

const FILE_NAME = 'CustomerBillingService.official.wsdl';

/**
 * Where the official Customer Billing v13 WSDL lives. It is never copied into the project: tests find it at run
 * time. First existing of `$OFFICIAL_WSDL`, `<repo root>/../shared/reference/…`, `/work/shared/reference/…`.
 * Throws when none exists — contract and interop tests must fail, never skip, without it.
 */
export function officialWsdlPath(): string {
  const candidates: string[] = [];
  const fromEnv = process.env.OFFICIAL_WSDL;
  if (fromEnv) candidates.push(path.resolve(fromEnv));
  candidates.push(path.resolve(repoRoot, '..', 'shared', 'reference', FILE_NAME));
  candidates.push(path.join('/work/shared/reference', FILE_NAME));
  for (const candidate of candidates) {
    if (existsSync(candidate)) return candidate;
  }
  throw new Error(
    `The official WSDL (${FILE_NAME}) was not found. Looked in:\n  ${candidates.join('\n  ')}\n` +
      'Set OFFICIAL_WSDL to its path. It must not be copied into this repository.',
  );
}
