import type { JSX } from 'react';
import type { ChecklistItem, ChecklistStep, StudioState } from '../../studio/studio-api.js';

const LABELS: Record<ChecklistStep, string> = {
  relay: 'Relay reachable',
  announced: 'Announced',
  encoder: 'Encoder running',
  firstGroup: 'First group out',
  live: 'LIVE',
};

const ICONS = { pending: '○', active: '', done: '✓', failed: '✕' } as const;

/**
 * The go-live steps in order, each pending, under way, done or failed with its detail. Only
 * while going live is the first pending step "under way"; otherwise pending means not reached.
 */
export function Checklist({
  items,
  state,
}: {
  items: ChecklistItem[];
  state: StudioState;
}): JSX.Element {
  const working = state === 'checking' || state === 'starting';
  const active = working ? items.find((item) => item.status === 'pending')?.step : undefined;
  return (
    <ol className="checklist" data-testid="checklist">
      {items.map((item) => {
        const shown = item.step === active ? 'active' : item.status;
        return (
          <li
            key={item.step}
            className={`step step-${shown}`}
            data-step={item.step}
            data-status={item.status}
          >
            <span className="step-icon" aria-hidden="true">
              {ICONS[shown]}
            </span>
            <span className="step-text">
              <span className="step-label">{LABELS[item.step]}</span>
              {item.detail !== undefined && (
                <span className="step-detail" title={item.detail}>
                  {item.detail}
                </span>
              )}
            </span>
          </li>
        );
      })}
    </ol>
  );
}
