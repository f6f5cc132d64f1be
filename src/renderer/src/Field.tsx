import type { JSX, ReactNode } from 'react';

/** A labelled control with its inline error (what the engine or the schema refused). */
export function Field({
  label,
  error,
  children,
  name,
}: {
  label: string;
  error?: string | undefined;
  children: ReactNode;
  name: string;
}): JSX.Element {
  return (
    <label className={`field${error ? ' field-invalid' : ''}`} data-field={name}>
      <span className="field-label">{label}</span>
      {children}
      {error && (
        <span className="field-error" role="alert" data-testid={`error-${name}`}>
          {error}
        </span>
      )}
    </label>
  );
}
