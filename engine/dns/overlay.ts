// Overlay mode: the lab zone first, the system resolver for names the zone has never heard of.
// A name the zone lists gets the zone's answer, final (ENODATA, SERVFAIL and TIMEOUT included).
// A CNAME chain in the zone that leaves it is finished by the system resolver, as a real
// recursive resolver would. Queries are reported by whichever side answered them.
import type { Resolver } from './resolver.port';
import type { Miss, ZoneResolver } from './zone';

export function createOverlayResolver(zone: ZoneResolver, system: Resolver): Resolver {
  const miss: Miss = (name, type) => system.resolve(name, type);
  return {
    resolve: (name, type) => zone.resolve(name, type, miss),
    reverse: (ip) => zone.reverse(ip, miss),
    onQuery(fn) {
      const offZone = zone.onQuery(fn);
      const offSystem = system.onQuery(fn);
      return () => { offZone(); offSystem(); };
    },
    close() {
      zone.close?.();
      system.close?.();
    },
  };
}
