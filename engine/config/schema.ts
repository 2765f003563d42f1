// Every setting, its type and its default, in one place (Postfix's mail_params.h).
// Names follow Postfix where Postfix has one. Unknown keys are errors (strict objects).
import { z } from 'zod';

/** Postfix time units: a bare number is seconds; 300s, 5m, 2h, 5d, 1w. Parsed to milliseconds. */
export const duration = z
  .union([z.number().nonnegative(), z.string().regex(/^\d+(\.\d+)?\s*(ms|s|m|h|d|w)?$/, 'a duration such as 300s, 5m, 2h or 5d')])
  .transform((v) => parseDuration(v));

export function parseDuration(v: number | string): number {
  if (typeof v === 'number') return v * 1000;
  const m = /^(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?$/.exec(v.trim());
  if (!m) throw new Error(`bad duration ${v}`);
  const n = Number(m[1]);
  const unit = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 }[m[2] ?? 's'] ?? 1000;
  return Math.round(n * unit);
}

const cidr = z.string().refine((s) => /^[0-9a-fA-F:.]+(\/\d{1,3})?$/.test(s), 'a CIDR such as 10.8.0.0/24 or ::1/128');
const hostname = z.string().regex(/^[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?(\.[A-Za-z0-9]([A-Za-z0-9-]*[A-Za-z0-9])?)*\.?$/, 'a host name');
const domainName = hostname.transform((s) => s.toLowerCase().replace(/\.$/, ''));
export const networkClass = z.enum(['local', 'vpn', 'public']);
export type NetworkClass = z.infer<typeof networkClass>;

export const listenerSchema = z.strictObject({
  name: z.string().regex(/^[a-z0-9_-]+$/i, 'letters, digits, - and _'),
  role: z.enum(['mx', 'submission']),
  address: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535),
  /** none: plain (STARTTLS still offered when a certificate exists); starttls: offered; implicit: TLS before 220. */
  tls: z.enum(['none', 'starttls', 'implicit']).optional(),
  /** Network classes that may relay through this listener (permit_mynetworks). */
  relay_from: z.array(networkClass).optional(),
  /** Postfix postscreen_greet_wait: wait before the 220 to catch early talkers. 0 = off. */
  greet_wait: duration.prefault(0),
  /** smtpd_timeout */
  timeout: duration.optional(),
});
export type ListenerConfig = z.infer<typeof listenerSchema>;

const restrictionList = z.array(z.string().min(1));

export const policySchema = z.strictObject({
  helo_required: z.boolean().default(true),
  delay_reject: z.boolean().default(true),
  client: restrictionList.default([]),
  helo: restrictionList.default([]),
  sender: restrictionList.default([]),
  relay: restrictionList.default(['permit_mynetworks', 'permit_sasl_authenticated', 'reject_unauth_destination']),
  recipient: restrictionList.default([]),
  data: restrictionList.default([]),
  end_of_data: restrictionList.default([]),
  restriction_classes: z.record(z.string(), restrictionList).default({}),
  /** Postfix rbl_reply_maps: DNSxL domain → reply template. */
  rbl_reply_maps: z.array(z.string()).default([]),
});
export type PolicyConfig = z.infer<typeof policySchema>;

const rrList = z.array(z.string());
export const zoneRecordSchema = z.strictObject({
  A: rrList.optional(),
  AAAA: rrList.optional(),
  PTR: rrList.optional(),
  CNAME: rrList.optional(),
  NS: rrList.optional(),
  MX: z.array(z.tuple([z.number().int().min(0).max(65535), z.string()])).optional(),
  TXT: z.array(z.union([z.string(), z.array(z.string())])).optional(),
  SERVFAIL: z.boolean().optional(),
  TIMEOUT: z.boolean().optional(),
});
export type ZoneRecord = z.infer<typeof zoneRecordSchema>;

export const dnsSchema = z.strictObject({
  mode: z.enum(['system', 'zone', 'overlay']).default('system'),
  /** system/overlay: DNS servers to ask instead of the OS's; "ip" or "ip:port" or "[ipv6]:port". */
  servers: z.array(z.string()).optional(),
  timeout: duration.prefault(5),
  tries: z.number().int().min(1).max(10).default(2),
  /** Upper bound on how long answers are cached (0 disables the cache). */
  cache_ttl: duration.prefault(300),
  zone_file: z.string().optional(),
  records: z.record(z.string(), zoneRecordSchema).default({}),
});
export type DnsConfig = z.infer<typeof dnsSchema>;

export const queueSchema = z.strictObject({
  /** Postfix minimal_backoff_time / maximal_backoff_time / maximal_queue_lifetime. */
  minimal_backoff_time: duration.prefault('300s'),
  maximal_backoff_time: duration.prefault('4000s'),
  maximal_queue_lifetime: duration.prefault('5d'),
  /** How many deliveries run at once (Postfix default_process_limit, roughly). */
  delivery_concurrency: z.number().int().min(1).max(500).default(20),
  /** How long the source of a delivered or bounced message is kept (messages.raw, the UI); 0 = not kept. */
  keep_delivered: duration.prefault('7d'),
  /** Group commit: how long an accepted message may wait for others to share its fsync. */
  commit_delay: duration.prefault('0ms'),
  /**
   * How long newly queued mail waits for company before delivery starts: deliveries are claimed,
   * written and recorded in batches (fewer commits and folder fsyncs). 0 = each at once.
   */
  delivery_batch_delay: duration.prefault('50ms'),
});
export type QueueConfig = z.infer<typeof queueSchema>;

/** check_greylist (postgrey's options and defaults). */
export const greylistSchema = z.strictObject({
  delay: duration.prefault('300s'),
  retry_window: duration.prefault('2d'),
  max_age: duration.prefault('35d'),
  auto_whitelist_clients: z.number().int().min(0).default(5),
  ipv4cidr: z.number().int().min(0).max(32).default(24),
  ipv6cidr: z.number().int().min(0).max(128).default(64),
  lookup_by_host: z.boolean().default(false),
});

/** Inbound verification at end of data (SPF, DKIM, DMARC, ARC) and DKIM signing (issue 4). */
export const authSchema = z.strictObject({
  /** enforce: DMARC p=reject → 550, quarantine → hold; report: record only. */
  dmarc: z.enum(['enforce', 'report']).default('enforce'),
  spf_fail: z.enum(['accept', 'reject']).default('accept'),
  /** A DNS temperror: defer (451) or accept and record. */
  temperror: z.enum(['defer', 'accept']).default('defer'),
  /** ARC sealers whose passing chain overrides a DMARC fail (local policy). */
  trusted_arc_sealers: z.array(domainName).default([]),
  check_helo: z.boolean().default(false),
  max_header_bytes: z.number().int().min(4096).default(1_048_576),
  max_dkim_signatures: z.number().int().min(1).max(50).default(10),
  dns_query_timeout: duration.prefault('10s'),
  dns_budget: duration.prefault('30s'),
  /** DKIM keys: <data>/<dkim_keys_dir>/<domain>/<selector>.private (relaylab dkim keygen). */
  dkim_keys_dir: z.string().default('dkim'),
  /** Sign mail from authenticated or local/vpn clients whose From domain has a key. */
  sign: z.boolean().default(true),
});

/** SRS (postsrsd semantics) for mail forwarded to foreign domains. */
export const srsSchema = z.strictObject({
  enabled: z.boolean().default(true),
  /** The SRS domain (publish SPF for it); default myorigin. */
  domain: domainName.optional(),
  secret_file: z.string().default('srs.secret'),
  max_age: z.number().int().min(1).max(1000).default(21),
  hash_length: z.number().int().min(4).max(27).default(4),
});

export const limitsSchema = z.strictObject({
  message_size_limit: z.number().int().min(1024).default(10_240_000),
  smtpd_recipient_limit: z.number().int().min(1).default(1000),
  hopcount_limit: z.number().int().min(1).default(50),
  smtpd_timeout: duration.prefault('300s'),
  smtpd_hard_error_limit: z.number().int().min(1).default(20),
  smtpd_client_connection_count_limit: z.number().int().min(1).default(500),
  /** Failed AUTH attempts per client IP before a lockout (engine rule, MTA-SEMANTICS §8.5). */
  auth_failure_limit: z.number().int().min(1).default(10),
  auth_lockout: duration.prefault('10m'),
});
export type LimitsConfig = z.infer<typeof limitsSchema>;

export const configSchema = z.strictObject({
  hostname: hostname.optional(),
  domains: z.array(domainName).default(['relaylab.test']),
  networks: z
    .strictObject({ local: z.array(cidr).default(['127.0.0.0/8', '::1/128']), vpn: z.array(cidr).default([]) })
    .default({ local: ['127.0.0.0/8', '::1/128'], vpn: [] }),
  listeners: z.array(listenerSchema).min(1).default([
    { name: 'mx', role: 'mx', address: '127.0.0.1', port: 2525, greet_wait: 0 },
    { name: 'submission', role: 'submission', address: '127.0.0.1', port: 2587, tls: 'starttls', greet_wait: 0 },
    { name: 'submissions', role: 'submission', address: '127.0.0.1', port: 2465, tls: 'implicit', greet_wait: 0 },
  ]),
  ui: z.strictObject({ address: z.string().default('127.0.0.1'), port: z.number().int().min(0).max(65535).default(8025) }).default({ address: '127.0.0.1', port: 8025 }),
  dns: dnsSchema.prefault({}),
  /** Postfix syntax: "[host]:port" (no MX lookup) or "host:port" (MX lookup); empty = MX lookup per domain. */
  relayhost: z.string().default(''),
  /** Per-domain next hop, Postfix transport(5) right-hand side: "smtp:[host]:port", "local:". */
  transport: z.record(z.string(), z.string()).default({}),
  myorigin: domainName.optional(),
  recipient_delimiter: z.string().max(4).default('+'),
  /** Postfix virtual_alias_maps: recursive one-to-many rewriting of envelope recipients. */
  virtual_alias_maps: z.array(z.string()).default([]),
  /** Extra virtual alias domains (the domains of virtual_alias_maps keys are ones already). */
  virtual_alias_domains: z.array(domainName).default([]),
  authorized_xclient_networks: z.array(networkClass).default(['local']),
  policy: policySchema.prefault({}),
  tls: z.strictObject({ cert: z.string().optional(), key: z.string().optional() }).default({}),
  queue: queueSchema.prefault({}),
  limits: limitsSchema.prefault({}),
  greylist: greylistSchema.prefault({}),
  auth: authSchema.prefault({}),
  srs: srsSchema.prefault({}),
});

export type ConfigInput = z.input<typeof configSchema>;
export type ParsedConfig = z.infer<typeof configSchema>;

/** The effective config: every default filled in, hostname and myorigin resolved. */
export type Config = Omit<ParsedConfig, 'hostname' | 'myorigin'> & {
  hostname: string;
  myorigin: string;
  /** Folder that relative paths in the config resolve against. */
  baseDir: string;
};

/** Network classes allowed to relay through a listener when relay_from is not set. */
export function defaultRelayFrom(role: ListenerConfig['role']): NetworkClass[] {
  return role === 'mx' ? ['local'] : ['local', 'vpn'];
}
