import { describe, expect, it } from 'vitest';
import { logicalLines } from '../../../engine/tables/lines';
import { TableSyntaxError } from '../../../engine/tables/types';

describe('logical lines (readlline.c)', () => {
  it('drops comments and blank lines and joins continuation lines', () => {
    const text = '# comment\n\nkey value\n  continued\n# inside a logical line\n\tmore\n   # indented comment\nnext one\n';
    expect(logicalLines(text, 'f')).toEqual([
      { text: 'key value  continued\tmore', line: 3 },
      { text: 'next one', line: 8 },
    ]);
  });

  it('reads CRLF files and a last line without a newline', () => {
    expect(logicalLines('a 1\r\nb 2', 'f')).toEqual([{ text: 'a 1', line: 1 }, { text: 'b 2', line: 2 }]);
  });

  it('refuses a logical line that starts with white space, naming file and line', () => {
    expect(() => logicalLines('# x\n  indented first\n', 'tables/x')).toThrow(TableSyntaxError);
    expect(() => logicalLines('# x\n  indented first\n', 'tables/x')).toThrow('tables/x, line 2: logical line must not start with white space');
  });
});
