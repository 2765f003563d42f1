// Reads a YAML config file (or the embedded default), validates it against schema.ts and
// returns the effective config. Errors name the file, the line and the key.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LineCounter, parseDocument, isMap, isSeq, type Node as YamlNode } from 'yaml';
import type { ZodError } from 'zod';
import { configSchema, type Config } from './schema';

export interface ConfigIssue { file: string; line?: number; key: string; message: string }

export class ConfigError extends Error {
  constructor(readonly issues: ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
  }
}

export function formatIssue(i: ConfigIssue): string {
  return `${i.file}${i.line ? `:${i.line}` : ''}: ${i.key ? `${i.key}: ` : ''}${i.message}`;
}

/** Validate YAML text; `file` is only used in messages and to resolve relative paths. */
export function parseConfig(text: string, file: string): Config {
  const lines = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lines, prettyErrors: false, uniqueKeys: true });
  if (doc.errors.length > 0) {
    throw new ConfigError(doc.errors.map((e) => ({ file, line: e.linePos?.[0]?.line, key: '', message: e.message.split('\n')[0] ?? e.message })));
  }
  const raw: unknown = doc.toJS() ?? {};
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new ConfigError([{ file, line: 1, key: '', message: 'the config must be a YAML mapping (key: value)' }]);
  }
  const parsed = configSchema.safeParse(raw);
  if (!parsed.success) throw new ConfigError(zodIssues(parsed.error, doc.contents, lines, file));
  const c = parsed.data;
  const hostname = c.hostname ?? os.hostname();
  return { ...c, hostname, myorigin: c.myorigin ?? hostname, baseDir: path.dirname(path.resolve(file)) };
}

/** Load a config file; no file = the embedded default (every value from schema.ts). */
export function loadConfig(file?: string): { config: Config; source: string | null } {
  if (!file) return { config: defaultConfig(), source: null };
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new ConfigError([{ file, key: '', message: code === 'ENOENT' ? 'no such file' : `cannot read it (${code ?? String(e)})` }]);
  }
  return { config: parseConfig(text, file), source: path.resolve(file) };
}

export function defaultConfig(): Config {
  return parseConfig('{}\n', path.join(process.cwd(), '(embedded default)'));
}

function zodIssues(err: ZodError, root: YamlNode | null, lines: LineCounter, file: string): ConfigIssue[] {
  return err.issues.map((issue) => {
    const keyPath = issue.path.map(String);
    // An unknown key is reported on the object; point at the key itself.
    const extra = issue.code === 'unrecognized_keys' ? issue.keys : [];
    const node = findNode(root, [...issue.path, ...(extra.length === 1 ? [extra[0] as string] : [])]);
    const line = node?.range ? lines.linePos(node.range[0]).line : undefined;
    const key = [...keyPath, ...extra].join('.') || '(top level)';
    const message = issue.code === 'unrecognized_keys' ? `unknown key${extra.length > 1 ? 's' : ''} ${extra.join(', ')}` : issue.message;
    return { file, line, key, message };
  });
}

/** Walk the YAML AST along a zod path to find the node (the key node for a map entry). */
function findNode(root: YamlNode | null, p: readonly PropertyKey[]): YamlNode | undefined {
  let cur: YamlNode | null | undefined = root;
  let last: YamlNode | undefined = root ?? undefined;
  for (const seg of p) {
    if (isMap(cur)) {
      const pair = cur.items.find((it) => (it.key as { value?: unknown } | null)?.value === seg);
      if (!pair) return last;
      last = (pair.key as YamlNode) ?? last;
      cur = pair.value as YamlNode | null;
      if (cur && cur.range) last = isMap(cur) || isSeq(cur) ? last : cur;
    } else if (isSeq(cur) && typeof seg === 'number') {
      const item = cur.items[seg] as YamlNode | undefined;
      if (!item) return last;
      last = item;
      cur = item;
    } else {
      return last;
    }
  }
  return last;
}
