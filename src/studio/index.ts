export * from './studio-api.js';
export { StudioError } from './studio-error.js';
export { createStudio, type Studio, type StudioOptions } from './studio.js';
