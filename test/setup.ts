import '../local/polyfills.js';
