// static:value answers every key with the same value; static:{ value with spaces } strips the
// braces and the white space inside them (dict_static.c).
import type { Parsed } from '../types';
import { stripBraces } from './inline';

export function parseStatic(name: string): Parsed {
  const value = name.startsWith('{') ? stripBraces(name, 'static:name') : name;
  return { warnings: [], lookup: () => ({ found: true, value }) };
}
