// permit: PERMIT unconditionally; ends this list only (Postfix "permit").
import { accept, defineCheck } from '../types';

export default defineCheck({
  name: 'permit',
  stage: 'connect',
  run: () => accept(),
});
