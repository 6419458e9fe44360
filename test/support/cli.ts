// Runs the `billing` CLI (bin/billing.js) as a subprocess against a test server.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { expect } from 'chai';
import type { TestApp } from './app.ts';
import { repoRoot } from './official-wsdl.ts';

const BIN = path.join(repoRoot, 'bin', 'billing.js');

export interface CliRun {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** `node bin/billing.js …args` with BILLING_URL and BILLING_ADMIN_KEY pointing at the test server. */
export function runBilling(t: TestApp, args: readonly string[]): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, BILLING_URL: t.baseUrl, BILLING_ADMIN_KEY: t.adminKey };
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { env, cwd: repoRoot });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (status) => resolve({ status, stdout, stderr }));
  });
}

/** Runs a command that must succeed and returns the JSON document it printed. */
export async function billingOk<T = unknown>(t: TestApp, args: readonly string[]): Promise<T> {
  const run = await runBilling(t, args);
  expect(run.status, run.stderr).to.equal(0);
  return JSON.parse(run.stdout) as T;
}
