// Typed errors with the stable codes of the Customer Billing contract (SPEC §2). Services throw these;
// src/soap/endpoint.ts is the one place that maps them onto SOAP faults (written by src/soap/envelope.ts), and
// src/admin/ turns them into JSON errors.

/** Codes answered with an AdApiFaultDetail (authentication, authorization, throttling, internal). */
export const AD_API_CODES = {
  0: ['InternalError', 'An internal error has occurred.'],
  105: [
    'InvalidCredentials',
    'Authentication failed. Either supplied credentials are invalid or the account is inactive.',
  ],
  106: ['UserIsNotAuthorized', 'You are not authorized to access this customer or account.'],
  109: ['AuthenticationTokenExpired', 'Authentication token expired. Please renew it or obtain a new token.'],
  117: [
    'CallRateExceeded',
    'You have exceeded the number of calls that you are allowed to make in a given time period.',
  ],
} as const satisfies Record<number, readonly [string, string]>;
export type AdApiCode = keyof typeof AD_API_CODES;

/** Messages of the codes answered with an ApiFault (request validation and business rules). */
export const API_MESSAGES: Record<number, string> = {
  100: 'The request message is null or is not the request element of the operation.',
  201: 'A value in the request is not valid.',
  204: 'The operation is not supported.',
  474: 'A required search predicate is missing.',
  475: 'The insertion order name is not valid.',
  476: 'The insertion order purchase order is not valid.',
  477: 'The insertion order status cannot be set when adding an insertion order.',
  478: 'The customer is not allowed to add or update insertion orders for this account.',
  479: 'Only the status of this insertion order can be updated.',
  480: 'The insertion order status is not valid for this update.',
  1001: 'Your role does not allow this operation.',
  2108: 'The account identifier is not valid.',
  3024: 'The list exceeds the maximum allowed size.',
  3030: 'The predicate is not valid.',
  3031: 'The paging or ordering is not valid.',
  3087: 'A required list is null or empty.',
  4500: 'Coupon code not found.',
  4501: 'The coupon has already been redeemed.',
  4502: 'The coupon cannot be redeemed yet.',
  4503: 'The coupon redemption period is over.',
  4504: 'The coupon has expired.',
  4505: 'The coupon currency does not match the account currency.',
  4506: 'This coupon is only for new customers.',
  4507: 'The coupon class was not found for this customer.',
  4508: 'There is no coupon left to dispatch in this coupon class.',
  4509: 'The email address is not valid.',
  4510: 'The email address appears more than once in the request.',
  4512: 'The coupon has been revoked.',
  4513: 'The coupon has been claimed by another account.',
  4514: 'The account has already claimed or redeemed a coupon for this feature.',
  4515: 'No feature adoption coupon is available for this feature and account.',
  // Billing documents and groups: the official pages name no codes for these (docs/documented-rules.md).
  4600: 'The start date cannot be later than the end date.',
  4601: 'The billing document was not found.',
  4602: 'The billing group was not found.',
  4603: 'The account currency differs from the billing group currency.',
  4604: 'The account is already in another billing group.',
  // Insertion-order codes of ours (docs/documented-rules.md, "Insertion orders").
  5101: 'The insertion order dates are not valid.',
  5102: 'The insertion order spend cap amount is not valid.',
  5103: 'Unlimited or endless insertion orders cannot be added or updated.',
  5104: 'The insertion order was not found.',
  5105: 'The insertion order comment is not valid.',
  5106: 'The insertion order notification threshold is not valid.',
  5107: 'The insertion order dates overlap another approved insertion order of the account.',
};

/** An authentication / authorization / throttling / internal failure (AdApiFaultDetail). */
export class AdApiError extends Error {
  constructor(
    readonly code: AdApiCode,
    readonly detail: string | null = null,
  ) {
    super(AD_API_CODES[code][1]);
    this.name = 'AdApiError';
  }
  get errorCode(): string {
    return AD_API_CODES[this.code][0];
  }
}

export interface OperationProblem {
  readonly code: number;
  readonly message: string;
  readonly details: string | null;
}

export function problem(code: number, details: string | null = null, message?: string): OperationProblem {
  return { code, message: message ?? API_MESSAGES[code] ?? 'The request failed.', details };
}

/** A request-validation or business-rule failure (ApiFault), carrying every problem found. */
export class ApiError extends Error {
  readonly problems: readonly OperationProblem[];
  constructor(problems: OperationProblem | readonly OperationProblem[]) {
    const list = Array.isArray(problems) ? (problems as readonly OperationProblem[]) : [problems as OperationProblem];
    super(list[0]?.message ?? 'The request failed.');
    this.name = 'ApiError';
    this.problems = list;
  }
  static of(code: number, details: string | null = null): ApiError {
    return new ApiError(problem(code, details));
  }
  get code(): number {
    return this.problems[0]?.code ?? 0;
  }
}

/** A malformed SOAP message: answered with faultcode s:Client and an ApiFault. */
export class ClientMessageError extends ApiError {}

/** Bad operator input (admin API / CLI): answered as HTTP 400 with the message. */
export class InputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InputError';
  }
}

/** An operator command named something that does not exist: HTTP 404. */
export class NotFoundError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'NotFoundError';
  }
}
