#!/usr/bin/env node
// Thin launcher: the CLI is bundled into build/bundle/ by `npm ci` (the `prepare` script, see
// scripts/bundle-cli.ts): a few files to load instead of some eighty modules, for a fresh process.
import('../build/bundle/export-guard.js').catch((error) => {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND' && String(error.message).includes('build/bundle/export-guard.js')) {
    console.error('export-guard: not built yet. Run `npm ci` (or `npm run build`) first.');
    process.exit(2);
  }
  throw error;
});
