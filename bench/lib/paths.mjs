// Where things are (Node side only: the browser page never imports this).

import { fileURLToPath } from 'node:url';
import { dirname, resolve } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
export const benchDir = resolve(here, '..');
export const rootDir = resolve(benchDir, '..');
/** Every run writes here (gitignored); `--save` also updates the committed files in results/. */
export const runsDir = resolve(benchDir, 'results/runs');
export const savedDir = resolve(benchDir, 'results');
export const peerBuildDir = resolve(benchDir, 'peers/build');
