// The operator's view of the outbox (`billing outbox [--status …]`, SPEC §6).
import type { Knex } from 'knex';
import { InputError } from '../errors.ts';
import { listOutboxMessages, OUTBOX_STATUSES, type OutboxListItem } from '../repositories/outbox.ts';
import type { OutboxStatus } from '../repositories/tables.ts';

export type { OutboxListItem };

/** The `status` filter of the operator's listing: absent means every status. */
export function outboxStatus(v: unknown): OutboxStatus | null {
  if (v === undefined || v === null || v === '') return null;
  if (!OUTBOX_STATUSES.includes(v as OutboxStatus))
    throw new InputError(`status must be one of ${OUTBOX_STATUSES.join(', ')}`);
  return v as OutboxStatus;
}

/** The queued, sent and failed messages, oldest first, of one status or all (an unknown status is an InputError). */
export async function listOutbox(knex: Knex, status: unknown): Promise<OutboxListItem[]> {
  return listOutboxMessages(knex, outboxStatus(status));
}
