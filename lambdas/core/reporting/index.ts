export * from './charts.js';
export * from './escape.js';
export * from './html.js';
export * from './interventions.js';
export * from './model.js';
