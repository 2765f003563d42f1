// A modal confirmation on the native <dialog>: focus moves into it, Escape cancels, Enter on
// the focused button confirms. useConfirm() gives an async ask() and the element to render.
import { useCallback, useEffect, useRef, useState, type ReactNode } from 'react';

export interface ConfirmOptions {
  title: string;
  body: ReactNode;
  confirmLabel: string;
  danger?: boolean;
}

export function useConfirm(): [ReactNode, (o: ConfirmOptions) => Promise<boolean>] {
  const [req, setReq] = useState<(ConfirmOptions & { resolve: (ok: boolean) => void }) | null>(null);
  const ask = useCallback((o: ConfirmOptions) => new Promise<boolean>((resolve) => setReq({ ...o, resolve })), []);
  const close = (ok: boolean): void => {
    req?.resolve(ok);
    setReq(null);
  };
  const el = req ? <ConfirmDialog {...req} onClose={close} /> : null;
  return [el, ask];
}

function ConfirmDialog(p: ConfirmOptions & { onClose: (ok: boolean) => void }): ReactNode {
  const ref = useRef<HTMLDialogElement>(null);
  const okRef = useRef<HTMLButtonElement>(null);
  const cancelRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    const d = ref.current;
    if (d && !d.open) d.showModal();
    (p.danger ? cancelRef : okRef).current?.focus();
  }, [p.danger]);
  return (
    <dialog
      ref={ref}
      className="dialog"
      aria-labelledby="confirm-title"
      onCancel={(e) => {
        e.preventDefault();
        p.onClose(false);
      }}
      data-testid="confirm-dialog"
    >
      <h2 id="confirm-title">{p.title}</h2>
      <div className="dialog-body">{p.body}</div>
      <div className="dialog-actions">
        <button type="button" ref={cancelRef} onClick={() => p.onClose(false)}>
          Cancel
        </button>
        <button type="button" ref={okRef} className={p.danger ? 'btn-danger' : 'btn-primary'} onClick={() => p.onClose(true)}>
          {p.confirmLabel}
        </button>
      </div>
    </dialog>
  );
}
