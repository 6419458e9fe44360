// Keeping a request's own credentials out of what the service says back (SPEC §8: no fault or log line ever
// contains a token or password). Fault details quote offending values ('…' is not a valid int, unknown field
// '…', no class '…'), so a token or password pasted into a body field would come back in the fault, possibly
// clipped to its first characters. Every fault text passes through here, with the credentials of the request.

const MASK = '***';
/** Shorter values are not worth hiding (and masking them would garble ordinary words). */
const MIN_SECRET = 4;
/** A quoted value may be clipped: any run of at least this many leading characters of a secret is masked. */
const MIN_PREFIX = 12;

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const raw of secrets) {
    const secret = raw.trim();
    if (secret.length < MIN_SECRET) continue;
    const head = secret.slice(0, Math.min(secret.length, MIN_PREFIX));
    let from = 0;
    for (let i = out.indexOf(head, from); i >= 0; i = out.indexOf(head, from)) {
      let end = i + head.length;
      for (let k = head.length; k < secret.length && out[end] === secret[k]; k++) end++;
      out = out.slice(0, i) + MASK + out.slice(end);
      from = i + MASK.length;
    }
  }
  return out;
}
