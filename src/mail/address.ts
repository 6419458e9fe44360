// Which SendToEmails values are deliverable addresses (code 4509 otherwise). Deliberately stricter than RFC 5322:
// an unquoted ASCII dot-atom local part and a DNS host name with at least two labels. Anything that could be
// read as more than one address (commas, angle brackets, quotes, spaces) or could break a header (CR, LF) is
// refused, so a queued address always names exactly one mailbox.

const ATOM = "[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+";
const LOCAL_PART = new RegExp(`^${ATOM}(\\.${ATOM})*$`);
const LABEL = /^[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?$/;

/** Addresses are compared case-insensitively (the first occurrence of an address wins, later ones are 4510). */
export function addressKey(address: string): string {
  return address.trim().toLowerCase();
}

export function isValidEmailAddress(input: string): boolean {
  const address = input.trim();
  if (address.length === 0 || address.length > 254) return false;
  const at = address.lastIndexOf('@');
  if (at < 1) return false;
  const local = address.slice(0, at);
  const domain = address.slice(at + 1);
  if (local.length > 64 || !LOCAL_PART.test(local)) return false;
  const labels = domain.split('.');
  if (labels.length < 2 || !labels.every((l) => LABEL.test(l))) return false;
  // The top-level label is never all digits (that would be an IP address written without brackets).
  return !/^\d+$/.test(labels[labels.length - 1]!);
}
