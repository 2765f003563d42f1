// A JSON value printed as YAML (block style), for showing the effective config. Pure.

const PLAIN = /^[A-Za-z0-9_./@:+-][A-Za-z0-9_ ./@:+-]*$/;
const RESERVED = /^(true|false|null|yes|no|on|off|~|-?\d+(\.\d+)?)$/i;

function scalar(v: unknown): string {
  if (v === null || v === undefined) return 'null';
  if (typeof v === 'string') return v !== '' && PLAIN.test(v) && !RESERVED.test(v) && !v.endsWith(':') && !v.includes(': ') && v.trim() === v ? v : JSON.stringify(v);
  return String(v);
}

function isEmptyContainer(v: unknown): string | null {
  if (Array.isArray(v) && v.length === 0) return '[]';
  if (v && typeof v === 'object' && !Array.isArray(v) && Object.keys(v).length === 0) return '{}';
  return null;
}

export function toYaml(v: unknown, indent = 0): string {
  const pad = ' '.repeat(indent);
  if (Array.isArray(v)) {
    if (v.length === 0) return `${pad}[]\n`;
    return v
      .map((item) => {
        if (item && typeof item === 'object' && !isEmptyContainer(item)) {
          const inner = toYaml(item, indent + 2);
          return `${pad}- ${inner.slice(indent + 2)}`;
        }
        return `${pad}- ${isEmptyContainer(item) ?? scalar(item)}\n`;
      })
      .join('');
  }
  if (v && typeof v === 'object') {
    const entries = Object.entries(v as Record<string, unknown>);
    if (entries.length === 0) return `${pad}{}\n`;
    return entries
      .map(([k, val]) => {
        const key = PLAIN.test(k) && !k.includes(': ') ? k : JSON.stringify(k);
        const empty = isEmptyContainer(val);
        if (val && typeof val === 'object' && !empty) return `${pad}${key}:\n${toYaml(val, indent + 2)}`;
        return `${pad}${key}: ${empty ?? scalar(val)}\n`;
      })
      .join('');
  }
  return `${pad}${scalar(v)}\n`;
}
