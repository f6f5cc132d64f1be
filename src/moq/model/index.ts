export { BroadcastProducer, type TrackRequestHandler } from './broadcast.js';
export { Closable } from './closable.js';
export { GroupConsumer, GroupProducer } from './group.js';
export { ModelError, type ModelErrorCode } from './model-error.js';
export type { ExtensionHeader, MoqObject } from './moq-object.js';
export { ChangeSignal } from './signal.js';
export {
  DEFAULT_CACHE_BYTES,
  DEFAULT_CACHE_GROUPS,
  Lagged,
  TrackConsumer,
  TrackProducer,
  type TrackOptions,
  type TrackStart,
  type ConsumeOptions,
} from './track.js';
export { BudgetAccount, MemoryBudget, type BudgetCache } from './memory-budget.js';
