export * from './channel-events.js';
export * from './common.js';
export * from './envelope.js';
export * from './internal-events.js';
export * from './names.js';
export * from './registry.js';
