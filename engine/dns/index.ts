// dns: answers the engine's DNS questions (MX routing, SPF/DKIM/DMARC through mailauth, client PTR).
// Inputs: the dns config (mode, servers, timeout, tries, cache_ttl, records, zone_file) and its folder.
// Outputs: one Resolver (resolver.port.ts): node:dns answer shapes, failures as DnsError, query records.
// Trust: zone mode never leaves the process; system/overlay ask DNS servers whose answers are untrusted data.
import { resolve as resolvePath } from 'node:path';
import type { DnsConfig } from '../config/schema';
import type { Resolver } from './resolver.port';
import { createOverlayResolver } from './overlay';
import { createSystemResolver } from './system';
import { createZoneResolver, type ZoneResolver } from './zone';
import { readZoneFile } from './zone-file';

export * from './resolver.port';
export { createZoneResolver, type Miss, type ZoneResolver } from './zone';
export { parseZoneFile, readZoneFile, ZoneFileError, type ZoneEntries } from './zone-file';
export { createSystemResolver, type SystemResolverOptions } from './system';
export { createOverlayResolver } from './overlay';
export { isLoopback, reverseName } from './names';

/**
 * The resolver for a config. zone_file is read relative to baseDir and merged under the inline
 * records (inline wins per name and type). In system mode records and zone_file are not used.
 * Throws ZoneFileError / Error for a bad zone file, bad records or bad servers.
 */
export function createResolver(cfg: DnsConfig, baseDir: string): Resolver {
  const zone = (): ZoneResolver => {
    const file = cfg.zone_file ? readZoneFile(resolvePath(baseDir, cfg.zone_file), cfg.zone_file) : undefined;
    return createZoneResolver(cfg.records, file);
  };
  const system = () =>
    createSystemResolver({ servers: cfg.servers, timeoutMs: cfg.timeout, tries: cfg.tries, cacheTtlMs: cfg.cache_ttl });
  switch (cfg.mode) {
    case 'zone': return zone();
    case 'system': return system();
    case 'overlay': return createOverlayResolver(zone(), system());
  }
}
