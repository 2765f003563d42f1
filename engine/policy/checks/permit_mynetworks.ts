// permit_mynetworks: PERMIT a client whose network class may relay through this listener
// (DESIGN.md: the listener's relay_from plays Postfix's mynetworks).
import { accept, defineCheck, next } from '../types';

export default defineCheck({
  name: 'permit_mynetworks',
  stage: 'connect',
  run({ client, listener, note }) {
    const allowed = listener.relayFrom.includes(client.net);
    note(`client ${client.ip} is ${client.net}; ${listener.name} relay_from [${listener.relayFrom.join(', ')}]`);
    return allowed ? accept() : next();
  },
});
