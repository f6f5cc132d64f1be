export * from './studio-api.js';
export { StudioError } from './studio-error.js';
export { createStudio, type Studio, type StudioOptions } from './studio.js';
export { StudioClient } from './studio-client.js';
export { serveStudioPort, studioOverPort, type StudioPort } from './studio-port.js';
