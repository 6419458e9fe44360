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

/**
 * `node bin/billing.js …args` with BILLING_URL and BILLING_ADMIN_KEY pointing at the test server; `overrides` sets
 * (or, with undefined, removes) further environment variables.
 */
export function runBilling(
  t: Pick<TestApp, 'baseUrl' | 'adminKey'>,
  args: readonly string[],
  overrides: Record<string, string | undefined> = {},
): Promise<CliRun> {
  const env: NodeJS.ProcessEnv = { ...process.env, BILLING_URL: t.baseUrl, BILLING_ADMIN_KEY: t.adminKey };
  for (const [k, v] of Object.entries(overrides)) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
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
export async function billingOk<T = unknown>(
  t: Pick<TestApp, 'baseUrl' | 'adminKey'>,
  args: readonly string[],
): Promise<T> {
  const run = await runBilling(t, args);
  expect(run.status, run.stderr).to.equal(0);
  return JSON.parse(run.stdout) as T;
}

/** The words of a command line; each interpolated value stays one argument, spaces included. */
export function argv(words: TemplateStringsArray, ...values: string[]): string[] {
  return words.flatMap((w, i) => [...w.split(/\s+/).filter(Boolean), ...(i < values.length ? [values[i]!] : [])]);
}

/** Runs a command that must succeed quietly and returns the one JSON document it printed (SPEC §6). */
export async function billingJson(
  t: Pick<TestApp, 'baseUrl' | 'adminKey'>,
  args: readonly string[],
): Promise<Record<string, unknown>> {
  const run = await runBilling(t, args);
  expect(run.status, run.stderr).to.equal(0);
  expect(run.stderr).to.equal('');
  expect(run.stdout.endsWith('\n') && run.stdout.trim().split('\n').length === 1, run.stdout).to.equal(true);
  return JSON.parse(run.stdout) as Record<string, unknown>;
}

/** Runs a command that must fail with nothing on stdout; returns the run for its status and stderr. */
export async function billingFails(
  t: Pick<TestApp, 'baseUrl' | 'adminKey'>,
  args: readonly string[],
  overrides: Record<string, string | undefined> = {},
): Promise<CliRun> {
  const run = await runBilling(t, args, overrides);
  expect(run.status, run.stdout).to.be.a('number').and.not.equal(0);
  expect(run.stdout).to.equal('');
  return run;
}
