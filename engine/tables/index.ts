// tables: Postfix lookup tables (texthash, hash, regexp, pcre, cidr, inline, static, fail).
// Inputs: table specs ("type:name") and keys; files are read relative to the config's folder.
// Outputs: three-valued lookups (found / not found / error), the access(5) key order, postmap -q.
// Trust: table files are the admin's; a bad one degrades to "error" answers, never a crash.
export * from './types';
export { openTable, createTableSet, tableSpecProblem, splitSpec, TABLE_TYPES } from './registry';
export type { OpenOptions, TableSet } from './registry';
export { findFirst } from './find';
export type { Hit } from './find';
export { accessAddress, addressQueries, hostQueries, ipQueries, findAccess, stripExtension } from './access';
export type { AccessResult, Query } from './access';
export { postmapQuery } from './postmap';
export type { PostmapResult } from './postmap';
