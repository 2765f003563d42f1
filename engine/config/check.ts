// Checks a parsed config for what the schema alone cannot: restriction names and the relay
// guard (via the policy runner), transport syntax, network CIDRs. Problems → ConfigError.
import type { Config } from './schema';
import { ConfigError, type ConfigIssue } from './load';
import { createPolicy } from '../policy';
import { validateTransportMap, parseNexthop } from '../delivery/nexthop';
import { createClassifier } from '../smtp/network';
import { tableSpecProblem } from '../tables';

export function checkConfig(config: Config, file: string): void {
  const issues: ConfigIssue[] = [];
  const attempt = (key: string, fn: () => void) => {
    try { fn(); } catch (e) { issues.push({ file, key, message: (e as Error).message }); }
  };
  attempt('policy', () => createPolicy(config.policy));
  attempt('transport', () => validateTransportMap(config.transport));
  for (const [key, specs] of [['virtual_alias_maps', config.virtual_alias_maps], ['policy.rbl_reply_maps', config.policy.rbl_reply_maps]] as const) {
    specs.forEach((spec, i) => {
      const problem = tableSpecProblem(spec);
      if (problem) issues.push({ file, key: `${key}.${i}`, message: problem });
    });
  }
  if (config.relayhost) attempt('relayhost', () => parseNexthop(config.relayhost));
  attempt('networks', () => createClassifier(config.networks));
  const names = new Set<string>();
  config.listeners.forEach((l, i) => {
    if (names.has(l.name)) issues.push({ file, key: `listeners.${i}.name`, message: `two listeners are called "${l.name}"` });
    names.add(l.name);
  });
  if (issues.length > 0) throw new ConfigError(issues);
}
