import { useState, type JSX } from 'react';

/** The watch link for viewers, with a Copy button (and a fallback when the clipboard is shut). */
export function ShareLink({ url }: { url: string | undefined }): JSX.Element {
  const [copied, setCopied] = useState<'yes' | 'failed'>();

  const copy = (): void => {
    if (!url) return;
    navigator.clipboard.writeText(url).then(
      () => setCopied('yes'),
      () => setCopied('failed'),
    );
    setTimeout(() => setCopied(undefined), 2000);
  };

  return (
    <div className="share" data-testid="share">
      <span className="share-label">Share</span>
      <input
        className="share-url"
        readOnly
        value={url ?? ''}
        placeholder="The watch link appears once the broadcast is announced"
        onFocus={(event) => event.currentTarget.select()}
        data-testid="share-url"
      />
      <button type="button" disabled={!url} onClick={copy}>
        {copied === 'yes' ? 'Copied' : copied === 'failed' ? 'Select + Ctrl+C' : 'Copy'}
      </button>
    </div>
  );
}
