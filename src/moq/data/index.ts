export * from './data-stream-decoder.js';
export * from './extension-headers.js';
export * from './fetch-header.js';
export * from './object-datagram.js';
export * from './object-status.js';
export * from './stream-type.js';
export * from './subgroup-header.js';
export * from './subgroup-object.js';
export { encodeSharedSubgroupObject } from './shared-object-encoding.js';
