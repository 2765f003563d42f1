// What to do with a message once it is authenticated (MTA-SEMANTICS §2.1), decided before the
// reply to DATA. Authenticated and local/vpn clients are not verified at all. Otherwise, strongest
// first: a definite reject (DMARC p=reject after pct; SPF fail when spf_fail=reject), then a
// temporary DNS failure that matters (451), then DMARC quarantine (hold), then accept. A trusted
// ARC sealer's chain that passes overrides a DMARC failure (RFC 8617 §7.2, local policy).
import type { AuthClient, AuthDecision, AuthPolicyConfig, AuthVerdict } from './types';

export type { AuthClient, AuthDecision, AuthPolicyConfig };

/** Should inbound verification run at all for this client? */
export function shouldVerify(client: AuthClient): boolean {
  return !client.authenticated && client.net !== 'local' && client.net !== 'vpn';
}

function trustedArcPass(v: AuthVerdict, trusted: readonly string[] | undefined): string | undefined {
  if (v.arc.result !== 'pass' || !trusted?.length) return undefined;
  const sealer = v.arc.sets[v.arc.sets.length - 1]?.seal.d.toLowerCase();
  return sealer && trusted.some((t) => t.toLowerCase().replace(/\.$/, '') === sealer) ? sealer : undefined;
}

export function decidePolicy(v: AuthVerdict, cfg: AuthPolicyConfig, client: AuthClient): AuthDecision {
  if (!shouldVerify(client)) {
    return { action: 'accept', reason: client.authenticated ? 'authenticated client: not verified' : `${client.net} client: not verified` };
  }
  const { dmarc, spf } = v;
  const domain = dmarc.fromDomain ?? '';
  const arcSealer = dmarc.result === 'fail' ? trustedArcPass(v, cfg.trusted_arc_sealers) : undefined;
  const enforceDmarc = cfg.dmarc === 'enforce' && dmarc.result === 'fail' && !arcSealer;

  if (enforceDmarc && dmarc.disposition === 'reject') {
    return { action: 'reject', code: 550, status: '5.7.1', text: `rejected by DMARC policy for ${domain}`, reason: `DMARC fail, p=reject applied (pct ${dmarc.tags?.pct ?? 100})` };
  }
  if (cfg.spf_fail === 'reject' && spf.result === 'fail') {
    return {
      action: 'reject', code: 550, status: '5.7.23',
      text: `<${spf.sender}>: SPF validation failed: ${spf.comment}`,
      reason: `SPF fail${spf.mechanism ? ` (${spf.mechanism})` : ''} and spf_fail=reject`,
    };
  }
  if (cfg.temperror === 'defer') {
    if (cfg.dmarc === 'enforce' && dmarc.result === 'temperror') {
      return { action: 'defer', code: 451, status: '4.7.1', text: `Temporary DNS failure evaluating DMARC policy for ${domain}; try again later`, reason: `DMARC temperror: ${dmarc.reason ?? ''}`.trim() };
    }
    if (cfg.spf_fail === 'reject' && spf.result === 'temperror') {
      return { action: 'defer', code: 451, status: '4.7.24', text: `Temporary SPF validation error for ${spf.domain}; try again later`, reason: `SPF temperror: ${spf.problem ?? ''}`.trim() };
    }
  }
  if (enforceDmarc && dmarc.disposition === 'quarantine') {
    return { action: 'hold', text: `quarantined by DMARC policy for ${domain}`, reason: `DMARC fail, p=quarantine applied (pct ${dmarc.tags?.pct ?? 100})` };
  }
  if (arcSealer) return { action: 'accept', reason: `DMARC fail overridden by a passing ARC chain sealed by trusted ${arcSealer}` };
  if (dmarc.result === 'fail' && cfg.dmarc === 'report') return { action: 'accept', reason: `DMARC fail (disposition ${dmarc.disposition}) recorded only: dmarc=report` };
  return { action: 'accept', reason: `dmarc=${dmarc.result} spf=${spf.result}` };
}
