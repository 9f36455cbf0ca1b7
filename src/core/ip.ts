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

/** The 32-bit value of a dotted-quad IPv4 address, or null when `ip` is not one. */
export function ipv4Key(ip: string): number | null {
  const parts = ip.split('.');
  if (parts.length !== 4) return null;
  let key = 0;
  for (const part of parts) {
    if (!/^\d{1,3}$/.test(part)) return null;
    const octet = Number(part);
    if (octet > 255) return null;
    key = key * 256 + octet;
  }
  return key;
}
