// Server-side request forgery guard for tenant-supplied model endpoints. A tenant's baseUrl is
// fetched by the hub, from inside the operator's network: pointed at 127.0.0.1, 10.x, the cloud
// metadata address (169.254.169.254) or an internal host name, it would turn the hub into a proxy
// into places only the hub can reach. Tenant URLs must therefore resolve only to public addresses,
// unless the platform allows private ones (MISY_ALLOW_PRIVATE_LLM_URLS, e.g. a shared Ollama on the
// LAN). The platform's own OPENAI_BASE_URL is the operator's choice and is never checked.
import { lookup } from 'node:dns/promises';
import { BlockList, isIP } from 'node:net';

export type EndpointCheck = { ok: true } | { ok: false; reason: string };

const PRIVATE = new BlockList();
for (const [net, bits] of [
  ['0.0.0.0', 8], ['10.0.0.0', 8], ['100.64.0.0', 10], ['127.0.0.0', 8], ['169.254.0.0', 16], ['172.16.0.0', 12],
  ['192.0.0.0', 24], ['192.168.0.0', 16], ['198.18.0.0', 15], ['224.0.0.0', 4], ['240.0.0.0', 4],
] as const) PRIVATE.addSubnet(net, bits, 'ipv4');
for (const [net, bits] of [['::', 128], ['::1', 128], ['fc00::', 7], ['fe80::', 10], ['ff00::', 8], ['64:ff9b::', 96]] as const) PRIVATE.addSubnet(net, bits, 'ipv6');

/** Loopback, private, link-local, carrier-grade NAT, multicast or reserved — not the public internet. */
export function isPrivateAddress(address: string): boolean {
  const family = isIP(address);
  if (family === 4) return PRIVATE.check(address, 'ipv4');
  if (family !== 6) return true; // not an address at all: refuse rather than guess
  // IPv4-mapped IPv6 (::ffff:127.0.0.1) reaches the IPv4 address: judge that one.
  const mapped = address.toLowerCase().match(/^::ffff:(\d+\.\d+\.\d+\.\d+)$/);
  if (mapped) return PRIVATE.check(mapped[1], 'ipv4');
  return PRIVATE.check(address, 'ipv6');
}

/**
 * Resolves the URL's host (every address it has: one private answer is enough to refuse) and
 * decides. The check runs when the tenant saves the URL and again before each agent run, which
 * narrows DNS rebinding to the window between the check and the model call's own lookup.
 */
export async function checkTenantEndpoint(raw: string, opts: { allowPrivate: boolean }): Promise<EndpointCheck> {
  let url: URL;
  try { url = new URL(raw); } catch { return { ok: false, reason: 'is not a valid URL' }; }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return { ok: false, reason: 'must be an http(s) URL' };
  if (url.username || url.password) return { ok: false, reason: 'must not contain credentials; set apiKey instead' };
  if (opts.allowPrivate) return { ok: true };
  const host = url.hostname.replace(/^\[|\]$/g, '');
  let addresses: string[];
  try {
    addresses = isIP(host) ? [host] : (await lookup(host, { all: true, verbatim: true })).map((a) => a.address);
  } catch {
    return { ok: false, reason: `host ${host} does not resolve` };
  }
  const blocked = addresses.find(isPrivateAddress);
  if (blocked || !addresses.length) {
    return { ok: false, reason: `points at a private or loopback address (${blocked ?? host}); the platform must set MISY_ALLOW_PRIVATE_LLM_URLS=true to allow it` };
  }
  return { ok: true };
}
