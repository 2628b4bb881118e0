/**
 * The SSRF guard for every tenant-supplied URL and mail host. A target is allowed when its scheme is
 * https (http only with the development flag) and every address it names or resolves to is public
 * unicast: loopback, private, link-local (the cloud metadata address), CGNAT, multicast, reserved,
 * IPv4-mapped IPv6 and the other special ranges are refused. The check runs at save time and again at
 * connect time, where the connection goes to the address that was checked (see `guardedLookup`), so a
 * name that resolves differently the second time (DNS rebinding) cannot slip through.
 *
 * `allowTargets` (exact `host:port` pairs, empty by default) lets tests and a laptop reach local servers.
 */
import ipaddr from 'ipaddr.js';
import { lookup as dnsLookup } from 'node:dns/promises';
import type { LookupAddress } from 'node:dns';
import { isIP } from 'node:net';
import { RiskloopError } from '@riskloop/kit';

export interface AddressPolicyOptions {
  /** `host:port` pairs reached even though private (tests, `npm run sink`). */
  allowTargets: readonly string[];
  /** Accept `http:` URLs (development only). */
  allowHttp: boolean;
  /** Name resolution; the system resolver unless a test passes its own. */
  resolve?: (host: string) => Promise<LookupAddress[]>;
}

export class TargetRefused extends RiskloopError {
  constructor(message: string, path?: string, cause?: unknown) {
    super('target_refused', message, { status: 422, path, cause });
  }
}

/** Whether `address` (an IP literal) is public unicast, with the reason when it is not. */
export function addressVerdict(address: string): { ok: true } | { ok: false; reason: string } {
  if (!ipaddr.isValid(address)) return { ok: false, reason: `${address} is not an IP address` };
  const parsed = ipaddr.parse(address);
  if (parsed.kind() === 'ipv6' && (parsed as ipaddr.IPv6).isIPv4MappedAddress()) {
    return { ok: false, reason: `${address} is an IPv4-mapped IPv6 address` };
  }
  const range = parsed.range();
  return range === 'unicast' ? { ok: true } : { ok: false, reason: `${address} is a ${range} address` };
}

const defaultPort = (url: URL) => url.port || (url.protocol === 'https:' ? '443' : '80');
const bare = (hostname: string) => hostname.replace(/^\[(.*)\]$/, '$1');

export function createAddressPolicy(options: AddressPolicyOptions) {
  const allowed = new Set(options.allowTargets.map((t) => t.trim().toLowerCase()).filter(Boolean));
  const resolve = options.resolve ?? ((host: string) => dnsLookup(host, { all: true, verbatim: true }));

  const isAllowListed = (host: string, port: string) => allowed.has(`${host.toLowerCase()}:${port}`);

  /** Every address `host` resolves to, all of which must be public. */
  const resolvePublic = async (host: string, path?: string): Promise<LookupAddress[]> => {
    let addresses: LookupAddress[];
    try {
      addresses = await resolve(host);
    } catch (error) {
      throw new TargetRefused(`${host} does not resolve`, path, error);
    }
    if (addresses.length === 0) throw new TargetRefused(`${host} does not resolve`, path);
    for (const { address } of addresses) {
      const verdict = addressVerdict(address);
      if (!verdict.ok)
        throw new TargetRefused(`${host} resolves to a refused address: ${verdict.reason}`, path);
    }
    return addresses;
  };

  return {
    isAllowListed,

    /**
     * Scheme, literal addresses and (unless `resolveName` is false) the name's addresses. Returns whether
     * the target is on the allow-list (then the caller connects without the pinned lookup).
     */
    async checkUrl(
      raw: string,
      path?: string,
      resolveName = true,
    ): Promise<{ url: URL; allowListed: boolean }> {
      let url: URL;
      try {
        url = new URL(raw);
      } catch {
        throw new TargetRefused('not a valid URL', path);
      }
      if (url.username || url.password) throw new TargetRefused('a URL may not carry credentials', path);
      if (url.protocol !== 'https:' && url.protocol !== 'http:') {
        throw new TargetRefused(`${url.protocol} URLs are not allowed`, path);
      }
      const host = bare(url.hostname);
      const allowListed =
        isAllowListed(url.hostname, defaultPort(url)) || isAllowListed(host, defaultPort(url));
      if (url.protocol === 'http:' && !options.allowHttp && !allowListed) {
        throw new TargetRefused('only https URLs are allowed', path);
      }
      if (allowListed) return { url, allowListed };
      // WHATWG URL parsing has already turned 2130706433, 0x7f.1 and the like into dotted quads.
      if (isIP(host)) {
        const verdict = addressVerdict(host);
        if (!verdict.ok) throw new TargetRefused(`refused: ${verdict.reason}`, path);
      } else if (resolveName) {
        await resolvePublic(host, path);
      }
      return { url, allowListed };
    },

    /** A mail host and port, checked like a URL's. */
    async checkHost(
      host: string,
      port: number,
      path?: string,
    ): Promise<{ address: string; allowListed: boolean }> {
      if (isAllowListed(host, String(port))) return { address: host, allowListed: true };
      if (isIP(host)) {
        const verdict = addressVerdict(host);
        if (!verdict.ok) throw new TargetRefused(`refused: ${verdict.reason}`, path);
        return { address: host, allowListed: false };
      }
      const [first] = await resolvePublic(host, path);
      return { address: (first as LookupAddress).address, allowListed: false };
    },

    /**
     * A `net.connect` lookup that resolves, refuses unless every address is public, and hands back only
     * checked addresses: the socket connects to what was checked.
     */
    guardedLookup: (
      hostname: string,
      lookupOptions: { all?: boolean } | number,
      callback: (error: Error | null, address: string | LookupAddress[], family?: number) => void,
    ): void => {
      resolvePublic(hostname).then(
        (addresses) => {
          const all = typeof lookupOptions === 'object' && lookupOptions.all === true;
          if (all) callback(null, addresses);
          else
            callback(null, (addresses[0] as LookupAddress).address, (addresses[0] as LookupAddress).family);
        },
        (error: unknown) => callback(error instanceof Error ? error : new Error(String(error)), ''),
      );
    },
  };
}

export type AddressPolicy = ReturnType<typeof createAddressPolicy>;
