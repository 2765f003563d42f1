// rewrite: envelope recipient rewriting — virtual_alias_maps (recursive, one-to-many, limits).
// Inputs: accepted recipients and the virtual alias tables. Outputs: the expanded recipients and
// every step taken (table, key, line, result) for the trace.
// Trust: tables are the operator's; a lookup error defers, never counts as not found.
export { expandVirtual, type Expansion, type ExpansionStep } from './virtual';
export { createVirtualAliases, type VirtualAliases } from './aliases';
