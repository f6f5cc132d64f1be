export * from '../coding/index.js';
export * from './error/index.js';
export * from './message/index.js';
export * from './data/index.js';
export * from './model/index.js';
export * from './session/index.js';
export * from './lite/index.js';
