/**
 * A modal confirmation on the native <dialog> (focus trap, Escape to cancel). Destructive actions
 * can ask the user to type a name first, as Coder does for deleting a workspace.
 */
import { useEffect, useRef, useState, type ReactNode } from 'react';

export interface ConfirmDialogProps {
  open: boolean;
  title: string;
  children?: ReactNode;
  confirmLabel: string;
  /** The user must type this to enable the confirm button. */
  typeToConfirm?: string;
  danger?: boolean;
  busy?: boolean;
  onConfirm(): void;
  onCancel(): void;
}

export function ConfirmDialog(props: ConfirmDialogProps) {
  const ref = useRef<HTMLDialogElement>(null);
  const [typed, setTyped] = useState('');
  useEffect(() => {
    const d = ref.current;
    if (!d) return;
    if (props.open && !d.open) {
      setTyped('');
      d.showModal();
    } else if (!props.open && d.open) d.close();
  }, [props.open]);
  const ready = !props.typeToConfirm || typed === props.typeToConfirm;
  return (
    <dialog
      ref={ref}
      className="dialog"
      onCancel={(e) => (e.preventDefault(), props.onCancel())}
      aria-labelledby="dialog-title"
    >
      <form
        method="dialog"
        onSubmit={(e) => {
          e.preventDefault();
          if (ready && !props.busy) props.onConfirm();
        }}
      >
        <h2 id="dialog-title">{props.title}</h2>
        {props.children}
        {props.typeToConfirm && (
          <label className="field">
            <span className="field-label">
              Type <code>{props.typeToConfirm}</code> to confirm
            </span>
            <input value={typed} onChange={(e) => setTyped(e.target.value)} autoFocus name="confirm" />
          </label>
        )}
        <div className="dialog-actions">
          <button type="button" className="btn" onClick={props.onCancel}>
            Cancel
          </button>
          <button
            type="submit"
            className={`btn ${props.danger ? 'btn-danger' : 'btn-primary'}`}
            disabled={!ready || props.busy}
          >
            {props.busy ? 'Working…' : props.confirmLabel}
          </button>
        </div>
      </form>
    </dialog>
  );
}
