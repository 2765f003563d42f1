// reject_rbl_client DOMAIN[=FILTER]: refuse a client whose address is listed in a DNS blocklist
// (reversed octets or nibbles under DOMAIN have an A record, matching FILTER if given, e.g.
// "zen.example.test=127.0.0.[2..11]"). Reply: rbl_reply_maps or default_rbl_reply, code 554:
// "554 5.7.1 Service unavailable; Client host [192.0.2.1] blocked using zen.example.test; TXT".
// A DNS failure means no action.
import { addrQuery, parseDnsxlArg, queryDnsxl, rblReply, validateDnsxlArgs } from '../dnsxl';
import { defineCheck, next } from '../types';

export default defineCheck({
  name: 'reject_rbl_client',
  stage: 'connect',
  args: 1,
  validateArgs: validateDnsxlArgs,
  async run(ctx, [raw]) {
    const arg = parseDnsxlArg(raw!);
    const query = addrQuery(ctx.client.ip, arg.domain);
    if (!query) { ctx.note(`${ctx.client.ip} is not an IP address`); return next(); }
    const r = await queryDnsxl(ctx, query, arg);
    return r.kind === 'listed' ? rblReply(ctx, arg, ctx.client.ip, 'Client host', r.txt) : next();
  },
});
