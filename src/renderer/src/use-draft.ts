import { useEffect, useState } from 'react';

/**
 * A text field's draft: what the user types, reset to the saved value whenever that changes
 * (saved elsewhere, or loaded), committed by the caller on blur or Enter.
 */
export function useDraft(saved: string): [string, (value: string) => void] {
  const [draft, setDraft] = useState(saved);
  useEffect(() => setDraft(saved), [saved]);
  return [draft, setDraft];
}
