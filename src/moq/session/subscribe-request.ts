import {
  FilterType,
  GroupOrder,
  Parameters,
  SWITCHING_SET_PARAMETER,
  Subscribe,
  encodeSwitchingSet,
  type SwitchingSetEntry,
} from '../message/index.js';
import type { TrackStart } from '../model/index.js';

export interface SubscribeOptions {
  /** Where to start: the newest group (default), the next one, or a given group. */
  start?: TrackStart;
  /**
   * Also read groups that arrive after a newer one (see ConsumeOptions): for a reader that wants
   * every group, such as chat. Not sent: it decides only what this side's reader is given.
   */
  lateGroups?: boolean;
  /** Subscriber priority, 0 (highest) .. 255. */
  priority?: number;
  /**
   * Ask the publisher to choose among these tracks group by group (SWITCHING_SET): each group
   * that arrives says which entry it came from (`RENDITION_EXTENSION` on object 0).
   */
  switchingSet?: readonly SwitchingSetEntry[];
  /** Further SUBSCRIBE parameters to send as they are (e.g. an authorization token). */
  parameters?: Parameters;
}

/** One subscription as asked for: what `MoqSession.subscribe` takes. */
export interface SubscribeRequest {
  namespace: readonly string[];
  name: string;
  options?: SubscribeOptions;
}

/**
 * The SUBSCRIBE a session sends for `request` (§SUBSCRIBE): the one place it is built, so a
 * SUBSCRIBE written ahead for the session (early-requests.ts) is byte for byte the one the
 * session would send.
 */
export function subscribeMessage(requestId: number, request: SubscribeRequest): Subscribe {
  const options = request.options ?? {};
  return new Subscribe({
    requestId,
    trackNamespace: request.namespace,
    trackName: request.name,
    subscriberPriority: options.priority ?? 128,
    groupOrder: GroupOrder.Ascending,
    forward: true,
    filter:
      options.start === 'next'
        ? { type: FilterType.NextGroupStart }
        : typeof options.start === 'object'
          ? { type: FilterType.AbsoluteStart, start: { group: options.start.group, object: 0 } }
          : { type: FilterType.LargestObject },
    parameters: subscribeParameters(options),
  });
}

function subscribeParameters(options: SubscribeOptions): Parameters {
  const extra = options.parameters?.entries ?? [];
  if (!options.switchingSet) return new Parameters([...extra]);
  const value = encodeSwitchingSet(options.switchingSet);
  return new Parameters([{ type: SWITCHING_SET_PARAMETER, value }, ...extra]);
}
