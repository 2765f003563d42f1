// permit_sasl_authenticated: PERMIT a client that has authenticated with AUTH (or XCLIENT LOGIN=).
import { accept, defineCheck, next } from '../types';

export default defineCheck({
  name: 'permit_sasl_authenticated',
  stage: 'mail', // AUTH needs EHLO, so no login exists at connect or HELO
  run({ saslUser, note }) {
    if (!saslUser) return next();
    note(`authenticated as ${saslUser}`);
    return accept();
  },
});
