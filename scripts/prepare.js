// `prepare` runs on every `npm ci` and `npm install` of this folder. With the dev tools (a clone)
// it compiles to build/ and bundles the command line the launcher loads (scripts/bundle-cli.ts);
// without them (a server installing the release tarball with --omit=dev, as deploy/ says) build/
// came in the tarball and there is nothing to compile.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';

const resolveTsc = () => {
  try {
    return createRequire(import.meta.url).resolve('typescript/bin/tsc');
  } catch {
    return undefined;
  }
};

const tsc = existsSync('tsconfig.build.json') ? resolveTsc() : undefined;
if (tsc) {
  execFileSync(process.execPath, [tsc, '-p', 'tsconfig.build.json'], { stdio: 'inherit' });
  execFileSync(process.execPath, ['--import', 'tsx', 'scripts/bundle-cli.ts'], { stdio: 'inherit' });
} else if (!existsSync('build/cli/main.js')) {
  console.error('export-guard: no build/ and no TypeScript to make it. Install the release tarball (npm pack, see docs/proxy.md) or run npm ci with the dev dependencies.');
  process.exit(1);
}
