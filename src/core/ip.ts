/**
 * Orders IP addresses as numbers: 10.0.0.9 before 10.0.0.10. IPv4 sorts before
 * IPv6; anything that is not an IPv4 literal sorts after, by plain string order.
 */
export function compareIp(a: string, b: string): number {
  return compareIpKeys(a, ipv4Key(a), b, ipv4Key(b));
}

/** {@link compareIp} with the {@link ipv4Key} of each address computed once by the caller (sorting 100k rows). */
export function compareIpKeys(a: string, ka: number | null, b: string, kb: number | null): number {
  if (ka !== null && kb !== null) return ka - kb;
  if (ka !== null) return -1;
  if (kb !== null) return 1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * The 32-bit value of a dotted-quad IPv4 address, or null when `ip` is not one. Read digit by
 * digit, without a split or a regex per octet: sorting 100k rows calls it 100k times.
 */
export function ipv4Key(ip: string): number | null {
  let key = 0;
  let octet = 0;
  let digits = 0;
  let dots = 0;
  for (let i = 0; i < ip.length; i++) {
    const c = ip.charCodeAt(i);
    if (c >= 0x30 && c <= 0x39) {
      octet = octet * 10 + (c - 0x30);
      digits += 1;
      if (digits > 3 || octet > 255) return null;
    } else if (c === 0x2e && digits > 0 && dots < 3) {
      key = key * 256 + octet;
      octet = 0;
      digits = 0;
      dots += 1;
    } else {
      return null;
    }
  }
  return dots === 3 && digits > 0 ? key * 256 + octet : null;
}
