// Email delivery as the app starts it: SMTP when SMTP_URL is set, .eml files under DATA_DIR/outbox otherwise,
// and the outbox worker that feeds them (unless OUTBOX_WORKER=0).
import path from 'node:path';
import type { Knex } from 'knex';
import type { Config } from '../config.ts';
import type { Logger } from '../log.ts';
import { fileTransport, smtpTransport, type MailTransport } from './transport.ts';
import { startOutboxWorker, type OutboxWorker, type OutboxWorkerOptions } from './worker.ts';

export { startOutboxWorker, type OutboxWorker } from './worker.ts';

export const DEFAULT_FROM = 'Customer Billing <billing@billing.local>';

export function mailTransportFor(config: Config): MailTransport {
  const from = config.mailFrom ?? DEFAULT_FROM;
  return config.smtpUrl
    ? smtpTransport({ url: config.smtpUrl, from })
    : fileTransport({ dir: path.join(config.dataDir, 'outbox'), from });
}

/** Starts this instance's outbox worker, or returns null when OUTBOX_WORKER=0. */
export function startMailDelivery(
  config: Config,
  knex: Knex,
  log: Logger,
  overrides: OutboxWorkerOptions = {},
): OutboxWorker | null {
  if (config.outboxWorker === false) return null;
  return startOutboxWorker({
    knex,
    log,
    transport: mailTransportFor(config),
    pollMs: config.outboxPollMs,
    retryBaseMs: config.outboxRetryBaseMs,
    maxAttempts: config.outboxMaxAttempts,
    ...overrides,
  });
}
