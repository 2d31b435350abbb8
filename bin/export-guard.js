#!/usr/bin/env node
// Thin launcher: the CLI is compiled to build/ by `npm ci` (the `prepare` script).
import('../build/cli/main.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('build/cli/main.js')) {
    console.error('export-guard: not built yet. Run `npm ci` (or `npm run build`) first.');
    process.exit(2);
  }
  throw error;
});
