import net from 'node:net';

/**
 * Which IP addresses a webhook may connect to: public unicast only. Anything a
 * request from inside our network could reach but the internet could not
 * (loopback, private, link-local, CGNAT, cloud metadata, multicast, reserved,
 * documentation ranges, unspecified) is refused, in every notation: the WHATWG
 * URL parser already turns `0x7f.1`, `2130706433` and `0177.0.0.1` into
 * dotted quads, and IPv6 forms that embed an IPv4 address (IPv4-mapped,
 * IPv4-compatible, NAT64, 6to4) are judged by the IPv4 address they carry.
 */
export interface AddressPolicyOptions {
  /** WEBHOOK_ALLOW_LOOPBACK: local development and tests may reach 127.0.0.0/8 and ::1 (nothing else private). */
  allowLoopback: boolean;
}

const V4_BLOCKED: [string, number][] = [
  ['0.0.0.0', 8], // "this network", unspecified
  ['10.0.0.0', 8], // private
  ['100.64.0.0', 10], // CGNAT (also Alibaba's metadata 100.100.100.200)
  ['127.0.0.0', 8], // loopback
  ['169.254.0.0', 16], // link-local (AWS, GCP, Azure, DigitalOcean metadata 169.254.169.254)
  ['172.16.0.0', 12], // private
  ['192.0.0.0', 24], // IETF protocol assignments (Oracle metadata 192.0.0.192)
  ['192.0.2.0', 24], // documentation
  ['192.88.99.0', 24], // 6to4 relay anycast
  ['192.168.0.0', 16], // private
  ['198.18.0.0', 15], // benchmarking
  ['198.51.100.0', 24], // documentation
  ['203.0.113.0', 24], // documentation
  ['224.0.0.0', 4], // multicast
  ['240.0.0.0', 4], // reserved, broadcast
  ['168.63.129.16', 32], // Azure wire server (a public address that answers only from inside Azure)
];
const V4_LOOPBACK: [string, number] = ['127.0.0.0', 8];

// IPv6: only global unicast (2000::/3) is allowed at all; these are the non-public parts of it.
const V6_BLOCKED_IN_GLOBAL: [string, number][] = [
  ['2001::', 23], // IETF protocol assignments (Teredo 2001::/32 included)
  ['2001:db8::', 32], // documentation
  ['3fff::', 20], // documentation
];

const v4Blocked = new net.BlockList();
for (const [a, p] of V4_BLOCKED) v4Blocked.addSubnet(a, p, 'ipv4');
const v4Loopback = new net.BlockList();
v4Loopback.addSubnet(V4_LOOPBACK[0], V4_LOOPBACK[1], 'ipv4');
const v6Global = new net.BlockList();
v6Global.addSubnet('2000::', 3, 'ipv6');
const v6Blocked = new net.BlockList();
for (const [a, p] of V6_BLOCKED_IN_GLOBAL) v6Blocked.addSubnet(a, p, 'ipv6');

/** Host names that are cloud metadata services or never public, whatever they resolve to. */
const BLOCKED_NAMES = new Set(['metadata', 'metadata.google.internal', 'metadata.goog', 'instance-data', 'instance-data.ec2.internal', 'metadata.azure.com', 'kubernetes.default', 'kubernetes.default.svc']);
const BLOCKED_SUFFIXES = ['.internal', '.local', '.localdomain', '.home.arpa', '.svc', '.cluster.local', '.localhost', '.arpa'];

/** The 16 bytes of an IPv6 address (net.isIP already said it is one). */
function v6Bytes(ip: string): number[] {
  let text = ip.toLowerCase().split('%')[0] ?? '';
  const v4Tail = /(\d+\.\d+\.\d+\.\d+)$/.exec(text);
  if (v4Tail?.[1]) {
    const [a, b, c, d] = v4Tail[1].split('.').map(Number) as [number, number, number, number];
    text = text.slice(0, -v4Tail[1].length) + `${((a << 8) | b).toString(16)}:${((c << 8) | d).toString(16)}`;
  }
  const [head = '', tail] = text.split('::');
  const words = (s: string) => (s ? s.split(':').map((w) => Number.parseInt(w, 16)) : []);
  const h = words(head);
  const t = tail === undefined ? [] : words(tail);
  const all = tail === undefined ? h : [...h, ...Array<number>(8 - h.length - t.length).fill(0), ...t];
  return all.flatMap((w) => [w >> 8, w & 0xff]);
}

const quad = (b: number[], at: number): string => b.slice(at, at + 4).join('.');

/** The IPv4 address an IPv6 address carries (mapped, compatible, NAT64, 6to4), if any. */
export function embeddedIpv4(ip: string): string | undefined {
  const b = v6Bytes(ip);
  const zeros = (from: number, to: number) => b.slice(from, to).every((x) => x === 0);
  if (zeros(0, 10) && b[10] === 0xff && b[11] === 0xff) return quad(b, 12); // ::ffff:a.b.c.d
  if (zeros(0, 12) && !zeros(12, 16)) return quad(b, 12); // ::a.b.c.d (deprecated compatible form)
  if (b[0] === 0x00 && b[1] === 0x64 && b[2] === 0xff && b[3] === 0x9b && zeros(4, 12)) return quad(b, 12); // 64:ff9b::/96
  if (b[0] === 0x20 && b[1] === 0x02) return quad(b, 2); // 2002:aabb:ccdd::/48
  return undefined;
}

/** Why an IP address may not be a webhook destination, or undefined when it may. */
export function addressRefusal(ip: string, options: AddressPolicyOptions): string | undefined {
  const family = net.isIP(ip);
  if (family === 4) {
    if (options.allowLoopback && v4Loopback.check(ip, 'ipv4')) return undefined;
    return v4Blocked.check(ip, 'ipv4') ? 'not a public address' : undefined;
  }
  if (family === 6) {
    const bare = ip.split('%')[0] ?? ip;
    if (v6Bytes(bare).every((x, i) => x === (i === 15 ? 1 : 0))) return options.allowLoopback ? undefined : 'not a public address'; // ::1
    const v4 = embeddedIpv4(bare);
    if (v4 !== undefined) return addressRefusal(v4, options);
    if (!v6Global.check(bare, 'ipv6') || v6Blocked.check(bare, 'ipv6')) return 'not a public address';
    return undefined;
  }
  return 'not an IP address';
}

/** Why a host name may not be a webhook destination before it is even resolved, or undefined. */
export function hostNameRefusal(hostname: string, options: AddressPolicyOptions): string | undefined {
  const name = hostname.toLowerCase().replace(/\.$/, '');
  if (name === 'localhost' || name.endsWith('.localhost')) return options.allowLoopback ? undefined : 'not a public host';
  if (BLOCKED_NAMES.has(name) || BLOCKED_SUFFIXES.some((s) => name.endsWith(s))) return 'not a public host';
  if (!name.includes('.')) return 'not a public host'; // single-label names resolve through local search domains
  return undefined;
}

/** A URL's hostname without IPv6 brackets. */
export function bareHost(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1');
}
