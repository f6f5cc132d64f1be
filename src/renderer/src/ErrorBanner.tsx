import type { JSX } from 'react';

export interface BannerError {
  message: string;
  hint?: string;
  code?: string;
}

/** The last failure, in words, with what to do about it; the rest of the app stays usable. */
export function ErrorBanner({
  error,
  onDismiss,
}: {
  error: BannerError;
  onDismiss: () => void;
}): JSX.Element {
  return (
    <div className="error-banner" role="alert" data-testid="error-banner" data-code={error.code}>
      <span className="error-icon" aria-hidden="true">
        !
      </span>
      <div className="error-text">
        <strong className="error-message">{error.message}</strong>
        {error.hint ? <span className="error-hint">{error.hint}</span> : null}
      </div>
      {error.code && <code className="error-code">{error.code}</code>}
      <button type="button" className="ghost" onClick={onDismiss} aria-label="Dismiss">
        ✕
      </button>
    </div>
  );
}
