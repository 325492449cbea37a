/** Form fields with their label, hint and error wired for screen readers. */
import { useId, useState, type ReactNode } from 'react';
import { validationsOf } from './feedback.js';

export interface FieldProps {
  label: ReactNode;
  hint?: ReactNode;
  error?: string;
  /** Extra marks after the label (e.g. "immutable"). */
  badges?: ReactNode;
  children: (ids: { id: string; describedBy: string | undefined; invalid: boolean }) => ReactNode;
}

export function Field({ label, hint, error, badges, children }: FieldProps) {
  const id = useId();
  const hintId = `${id}-hint`;
  const errorId = `${id}-error`;
  const describedBy = [hint ? hintId : '', error ? errorId : ''].filter(Boolean).join(' ') || undefined;
  return (
    <div className={`field${error ? ' field-invalid' : ''}`}>
      <label className="field-label" htmlFor={id}>
        {label}
        {badges}
      </label>
      {hint && (
        <div className="field-hint" id={hintId}>
          {hint}
        </div>
      )}
      {children({ id, describedBy, invalid: Boolean(error) })}
      {error && (
        <div className="field-error" id={errorId} role="alert" data-field-error>
          {error}
        </div>
      )}
    </div>
  );
}

/** A plain text input field. */
export function TextField(props: {
  label: ReactNode;
  name: string;
  value: string;
  onChange(value: string): void;
  error?: string;
  hint?: ReactNode;
  type?: string;
  autoComplete?: string;
  required?: boolean;
  autoFocus?: boolean;
  placeholder?: string;
  disabled?: boolean;
}) {
  return (
    <Field label={props.label} hint={props.hint} error={props.error}>
      {({ id, describedBy, invalid }) => (
        <input
          id={id}
          name={props.name}
          type={props.type ?? 'text'}
          value={props.value}
          onChange={(e) => props.onChange(e.target.value)}
          aria-describedby={describedBy}
          aria-invalid={invalid || undefined}
          autoComplete={props.autoComplete}
          required={props.required}
          autoFocus={props.autoFocus}
          placeholder={props.placeholder}
          disabled={props.disabled}
        />
      )}
    </Field>
  );
}

/** What a text field needs to show and edit one value of a form, with the server's message for it. */
export interface BoundField {
  name: string;
  value: string;
  error: string | undefined;
  onChange(value: string): void;
}

/**
 * A form's string values, and `bind(name)` giving each field its value, setter and the
 * validation the last failed request returned for it, so pages do not wire each field by hand.
 */
export function useFormValues<T extends Record<string, string>>(
  initial: T,
  error: Error | undefined,
  onEdit?: () => void,
) {
  const [values, setValues] = useState(initial);
  const errors = validationsOf(error);
  const bind = (name: keyof T & string): BoundField => ({
    name,
    value: values[name] ?? '',
    error: errors[name],
    onChange: (value) => {
      onEdit?.();
      setValues((f) => ({ ...f, [name]: value }));
    },
  });
  return { values, setValues, errors, bind };
}
