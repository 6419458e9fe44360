/** Typed errors of the rules engine; each carries a stable code the services can map. */

export type RulesErrorCode = 'EVENT_OUT_OF_ORDER' | 'INVALID_RULES_INPUT';

export abstract class RulesError extends Error {
  abstract readonly code: RulesErrorCode;
}

/**
 * The event is not after the state's last event in (at, seq) order, or is earlier than the instant the state was
 * already advanced to. The caller should replay the account's events from scratch.
 */
export class EventOutOfOrderError extends RulesError {
  readonly code = 'EVENT_OUT_OF_ORDER';
  override readonly name = 'EventOutOfOrderError';
}

/** An input breaks a precondition: money not a safe integer, a negative amount, a percent out of range, … */
export class InvalidRulesInputError extends RulesError {
  readonly code = 'INVALID_RULES_INPUT';
  override readonly name = 'InvalidRulesInputError';
}
