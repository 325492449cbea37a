/** Loading, empty and error states, so every page says what is going on. */
import type { ReactNode } from 'react';
import { HangarError, type ValidationError } from '../../../src/sdk/errors.js';

export function Loading({ label = 'Loading…' }: { label?: string }) {
  return (
    <div className="loading" role="status" aria-live="polite">
      <span className="spinner" aria-hidden="true" />
      {label}
    </div>
  );
}

export function Empty({ title, children }: { title: string; children?: ReactNode }) {
  return (
    <div className="empty">
      <p className="empty-title">{title}</p>
      {children && <div className="empty-body">{children}</div>}
    </div>
  );
}

/** Field validations by field name, for showing each next to its input. */
export function validationsOf(err: Error | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (err instanceof HangarError) for (const v of err.validations) out[v.field] ??= v.detail;
  return out;
}

/**
 * An API error: its message, its detail, and any field validations that no field on the page
 * shows (`shownFields`), so none is lost.
 */
export function ErrorAlert({
  error,
  shownFields = [],
  title,
}: {
  error: Error | undefined;
  shownFields?: string[];
  title?: string;
}) {
  if (!error) return null;
  const detail = error instanceof HangarError ? error.detail : undefined;
  const rest: ValidationError[] =
    error instanceof HangarError ? error.validations.filter((v) => !shownFields.includes(v.field)) : [];
  return (
    <div className="alert alert-error" role="alert">
      {title && <strong className="alert-title">{title}</strong>}
      <p className="alert-message">{error.message}</p>
      {detail && <p className="alert-detail">{detail}</p>}
      {rest.length > 0 && (
        <ul className="alert-validations">
          {rest.map((v) => (
            <li key={v.field + v.detail}>
              <code>{v.field}</code>: {v.detail}
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

export function Notice({
  tone = 'info',
  children,
}: {
  tone?: 'info' | 'success' | 'warn';
  children: ReactNode;
}) {
  return (
    <div className={`alert alert-${tone}`} role="status">
      {children}
    </div>
  );
}
