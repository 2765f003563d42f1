// Postfix's logical lines (readlline.c): "#" comment lines and blank lines are ignored, and a
// line that starts with white space continues the previous logical line (comment lines in
// between do not end it). A logical line may not start with white space. A CR before the LF
// is dropped, so files saved with CRLF line ends read the same.
import { TableSyntaxError } from './types';

export interface LogicalLine {
  text: string;
  /** The physical line the logical line starts on (what Postfix reports). */
  line: number;
}

/** Postfix ISSPACE: space, tab, LF, VT, FF, CR. */
export const isSpace = (c: string | undefined): boolean => c !== undefined && ' \t\n\v\f\r'.includes(c);

export function trimEnd(s: string): string {
  let end = s.length;
  while (end > 0 && isSpace(s[end - 1])) end--;
  return s.slice(0, end);
}

export function logicalLines(text: string, file: string): LogicalLine[] {
  const out: LogicalLine[] = [];
  let cur: LogicalLine | undefined;
  const physical = text.split('\n');
  if (physical.length > 0 && physical[physical.length - 1] === '') physical.pop();
  physical.forEach((raw, i) => {
    const lineText = raw.endsWith('\r') ? raw.slice(0, -1) : raw;
    const first = [...lineText].find((c) => !isSpace(c));
    if (first === undefined || first === '#') return; // blank or comment: ignored, ends nothing
    if (isSpace(lineText[0])) {
      if (!cur) throw new TableSyntaxError(file, i + 1, `logical line must not start with white space: "${lineText.trim().slice(0, 30)}"`);
      cur.text += lineText;
      return;
    }
    if (cur) out.push(cur);
    cur = { text: lineText, line: i + 1 };
  });
  if (cur) out.push(cur);
  return out;
}
