import dns from 'node:dns';
import net from 'node:net';
import { addressRefusal, hostNameRefusal, type AddressPolicyOptions } from './webhook-address-policy';

export interface ResolvedAddress {
  address: string;
  family: number;
}

/** Resolves a host name to every address (injectable: tests use a rebinding resolver). */
export type Resolver = (hostname: string) => Promise<ResolvedAddress[]>;

export const systemResolver: Resolver = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** The destination is not a public address: the same message whatever the address is, reachable or not. */
export class DestinationRefused extends Error {
  constructor() {
    super('destination address not allowed');
    this.name = 'DestinationRefused';
  }
}

export interface DestinationOptions extends AddressPolicyOptions {
  resolve?: Resolver;
}

/**
 * The addresses of a host, each allowed by the address policy. An IP literal is
 * judged as it is; a name is resolved and refused if ANY of its addresses is not
 * public (a name that also points inside could be steered there).
 */
export async function allowedAddresses(hostname: string, options: DestinationOptions): Promise<ResolvedAddress[]> {
  const family = net.isIP(hostname);
  if (family !== 0) {
    if (addressRefusal(hostname, options)) throw new DestinationRefused();
    return [{ address: hostname, family }];
  }
  if (hostNameRefusal(hostname, options)) throw new DestinationRefused();
  const addresses = await (options.resolve ?? systemResolver)(hostname);
  if (addresses.length === 0 || addresses.some((a) => addressRefusal(a.address, options) !== undefined)) throw new DestinationRefused();
  return addresses;
}

type LookupCallback = (err: NodeJS.ErrnoException | null, address: string | dns.LookupAddress[], family?: number) => void;

/**
 * A `lookup` for http(s).request: the socket connects to exactly the address that
 * was checked here, at connect time, so a DNS answer that changes between the
 * registration check and the delivery (DNS rebinding) cannot reach inside.
 */
export function pinnedLookup(options: DestinationOptions): (hostname: string, lookupOptions: dns.LookupOptions, callback: LookupCallback) => void {
  return (hostname, lookupOptions, callback) => {
    allowedAddresses(hostname, options).then(
      (addresses) => {
        if (lookupOptions.all) callback(null, addresses);
        else callback(null, addresses[0]!.address, addresses[0]!.family);
      },
      (err: unknown) => callback(err as NodeJS.ErrnoException, ''),
    );
  };
}
