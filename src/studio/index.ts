export { STUDIO_CHANNELS, STUDIO_METHODS } from './studio-api.js';
export type {
  RelayInfo,
  StudioApi,
  StudioChannel,
  StudioMethod,
  StudioVersions,
} from './studio-api.js';
export { createStudio, type StudioOptions } from './studio.js';
