// A virtualised, keyboard-navigable list with a fixed header row (CSS grid columns).
// Arrow keys / PageUp / PageDown / Home / End move the active row, Enter opens it. Rows that
// arrive at the top while the user is scrolled down do not move what they are looking at.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState, type KeyboardEvent, type ReactNode } from 'react';

export interface VirtualListProps<T> {
  items: T[];
  getKey: (item: T) => string;
  rowHeight: number;
  /** CSS grid-template-columns shared by the header and the rows. */
  columns: string;
  header: ReactNode;
  renderRow: (item: T, index: number) => ReactNode;
  rowClass?: (item: T) => string;
  onOpen: (item: T) => void;
  label: string;
  onEndReached?: () => void;
  footer?: ReactNode;
  initialScrollTop?: number;
  onScrollTop?: (top: number) => void;
  testId?: string;
}

export function VirtualList<T>(p: VirtualListProps<T>): ReactNode {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [activeKey, setActiveKey] = useState<string | null>(null);
  const firstKey = useRef<string | null>(null);
  const v = useVirtualizer({
    count: p.items.length,
    getScrollElement: () => scrollRef.current,
    estimateSize: () => p.rowHeight,
    overscan: 12,
    initialOffset: p.initialScrollTop ?? 0,
  });

  // Keep the view still when rows are prepended while scrolled down.
  useLayoutEffect(() => {
    const el = scrollRef.current;
    const prev = firstKey.current;
    const first = p.items[0];
    firstKey.current = first ? p.getKey(first) : null;
    if (!el || !prev || !first || el.scrollTop === 0) return;
    const k = p.items.findIndex((it) => p.getKey(it) === prev);
    if (k > 0 && k < 500) el.scrollTop += k * p.rowHeight;
  }, [p.items]); // eslint-disable-line react-hooks/exhaustive-deps

  const items = v.getVirtualItems();
  const lastIndex = items[items.length - 1]?.index ?? -1;
  useEffect(() => {
    if (p.onEndReached && p.items.length > 0 && lastIndex >= p.items.length - 20) p.onEndReached();
  }, [lastIndex, p.items.length]); // eslint-disable-line react-hooks/exhaustive-deps

  const activeIndex = activeKey === null ? -1 : p.items.findIndex((it) => p.getKey(it) === activeKey);
  const moveTo = (i: number): void => {
    if (p.items.length === 0) return;
    const j = Math.max(0, Math.min(p.items.length - 1, i));
    setActiveKey(p.getKey(p.items[j]!));
    v.scrollToIndex(j, { align: 'auto' });
  };
  const pageRows = Math.max(1, Math.floor((scrollRef.current?.clientHeight ?? 400) / p.rowHeight) - 1);
  const onKey = (e: KeyboardEvent<HTMLDivElement>): void => {
    const cur = activeIndex < 0 ? -1 : activeIndex;
    const keys: Record<string, () => void> = {
      ArrowDown: () => moveTo(cur + 1),
      ArrowUp: () => moveTo(cur - 1),
      PageDown: () => moveTo(cur + pageRows),
      PageUp: () => moveTo(cur - pageRows),
      Home: () => moveTo(0),
      End: () => moveTo(p.items.length - 1),
      Enter: () => {
        const it = p.items[cur];
        if (it) p.onOpen(it);
      },
    };
    const fn = keys[e.key];
    if (fn) {
      e.preventDefault();
      fn();
    }
  };
  const rowId = (key: string): string => `row-${p.testId ?? 'list'}-${key}`;

  return (
    <div className="vlist">
      <div className="vlist-header" style={{ gridTemplateColumns: p.columns }} role="presentation">
        {p.header}
      </div>
      <div
        ref={scrollRef}
        className="vlist-scroll"
        tabIndex={0}
        role="listbox"
        aria-label={p.label}
        aria-activedescendant={activeIndex >= 0 ? rowId(activeKey!) : undefined}
        onKeyDown={onKey}
        onFocus={() => {
          if (activeIndex < 0 && p.items.length) setActiveKey(p.getKey(p.items[0]!));
        }}
        onScroll={(e) => p.onScrollTop?.((e.target as HTMLDivElement).scrollTop)}
        data-testid={p.testId}
      >
        <div style={{ height: v.getTotalSize(), position: 'relative' }}>
          {items.map((vi) => {
            const it = p.items[vi.index]!;
            const key = p.getKey(it);
            return (
              <div
                key={key}
                id={rowId(key)}
                role="option"
                aria-selected={key === activeKey}
                className={`vlist-row${key === activeKey ? ' active' : ''}${p.rowClass ? ` ${p.rowClass(it)}` : ''}`}
                style={{ transform: `translateY(${vi.start}px)`, height: p.rowHeight, gridTemplateColumns: p.columns }}
                onClick={() => {
                  setActiveKey(key);
                  p.onOpen(it);
                }}
                data-key={key}
              >
                {p.renderRow(it, vi.index)}
              </div>
            );
          })}
        </div>
        {p.footer}
      </div>
    </div>
  );
}
