// A plain textarea with a line-number gutter that marks lines with problems; goToLine() selects
// a line and scrolls to it.
import { forwardRef, useImperativeHandle, useRef, useState, type ReactNode } from 'react';

export interface ConfigEditorHandle {
  goToLine(line: number): void;
}

interface Props {
  value: string;
  onChange: (v: string) => void;
  onSubmit: () => void;
  problemLines: number[];
}

const LINE_PX = 20;

export const ConfigEditor = forwardRef<ConfigEditorHandle, Props>(function ConfigEditor(p, ref): ReactNode {
  const ta = useRef<HTMLTextAreaElement>(null);
  const [scroll, setScroll] = useState(0);
  const lines = p.value.split('\n').length;
  const bad = new Set(p.problemLines);
  useImperativeHandle(ref, () => ({
    goToLine(line: number) {
      const el = ta.current;
      if (!el) return;
      const all = el.value.split('\n');
      const start = all.slice(0, line - 1).reduce((n, l) => n + l.length + 1, 0);
      el.focus();
      el.setSelectionRange(start, start + (all[line - 1]?.length ?? 0));
      el.scrollTop = Math.max(0, (line - 4) * LINE_PX);
    },
  }));
  return (
    <div className="editor">
      <div className="editor-gutter" aria-hidden="true">
        <div style={{ transform: `translateY(${-scroll}px)` }}>
          {Array.from({ length: lines }, (_, i) => (
            <div key={i} className={bad.has(i + 1) ? 'gutter-bad' : undefined}>
              {i + 1}
            </div>
          ))}
        </div>
      </div>
      <textarea
        ref={ta}
        className="editor-text"
        value={p.value}
        spellCheck={false}
        aria-label="Config YAML"
        onChange={(e) => p.onChange(e.target.value)}
        onScroll={(e) => setScroll((e.target as HTMLTextAreaElement).scrollTop)}
        onKeyDown={(e) => {
          if (e.key === 'Enter' && (e.ctrlKey || e.metaKey)) {
            e.preventDefault();
            p.onSubmit();
          }
        }}
        data-testid="config-editor"
      />
    </div>
  );
});
