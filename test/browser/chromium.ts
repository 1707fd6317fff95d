// Where the browser tests find Chromium, and how they launch it. Node-side only (imported by
// vitest.config.ts, the *.e2e.browser.test.ts files and test/chromium.test.ts).
//
// Search order (the first executable that exists wins):
//   1. CHROMIUM_PATH, when set (and nothing else: a wrong explicit path is reported, not guessed around);
//   2. Chromium or Chrome installed on the system: the usual install paths of Linux, macOS and
//      Windows, then the usual names on PATH;
//   3. browsers that Playwright downloaded (`npx playwright install chromium`), newest revision
//      first: PLAYWRIGHT_BROWSERS_PATH, else ~/.cache/ms-playwright (Linux),
//      ~/Library/Caches/ms-playwright (macOS), %LOCALAPPDATA%\ms-playwright (Windows).
// Only when none exists do the browser tests fail, naming the command that installs one.

import { existsSync, readdirSync } from 'node:fs';
import { homedir } from 'node:os';
import { posix, win32 } from 'node:path';

/** The command the failure message names: Playwright's own Chromium, on any platform. */
export const INSTALL_COMMAND = 'npx playwright install chromium';

export interface SearchContext {
  platform: NodeJS.Platform;
  env: Record<string, string | undefined>;
  home: string;
  exists(path: string): boolean;
  /** Entries of a folder ([] when it does not exist). */
  list(dir: string): string[];
}

const HOST: SearchContext = {
  platform: process.platform,
  env: process.env,
  home: homedir(),
  exists: existsSync,
  list: (dir) => {
    try {
      return readdirSync(dir);
    } catch {
      return [];
    }
  },
};

/** Install locations of system Chromium and Chrome, most likely first. */
function systemPaths({ platform, env, home }: SearchContext): string[] {
  if (platform === 'darwin') {
    const apps = [
      ['Google Chrome.app', 'Google Chrome'],
      ['Chromium.app', 'Chromium'],
      ['Google Chrome Canary.app', 'Google Chrome Canary'],
      ['Google Chrome for Testing.app', 'Google Chrome for Testing'],
    ];
    return ['/Applications', posix.join(home, 'Applications')].flatMap((root) =>
      apps.map(([app, bin]) => posix.join(root, app, 'Contents', 'MacOS', bin)),
    );
  }
  if (platform === 'win32') {
    const roots = [env.PROGRAMFILES, env['PROGRAMFILES(X86)'], env.LOCALAPPDATA].filter((r): r is string => !!r);
    return roots.flatMap((root) => [
      win32.join(root, 'Google', 'Chrome', 'Application', 'chrome.exe'),
      win32.join(root, 'Chromium', 'Application', 'chrome.exe'),
    ]);
  }
  return [
    '/usr/bin/chromium',
    '/usr/bin/chromium-browser',
    '/usr/bin/google-chrome',
    '/usr/bin/google-chrome-stable',
    '/snap/bin/chromium',
    '/opt/google/chrome/chrome',
    '/usr/local/bin/chromium',
  ];
}

/** The same browsers by command name, in the folders of PATH. */
function onPath({ platform, env }: SearchContext): string[] {
  const path = platform === 'win32' ? win32 : posix;
  const names = platform === 'win32' ? ['chrome.exe', 'chromium.exe'] : ['chromium', 'chromium-browser', 'google-chrome', 'google-chrome-stable'];
  const dirs = (env.PATH ?? env.Path ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean);
  return dirs.flatMap((dir) => names.map((name) => path.join(dir, name)));
}

/** Playwright's browser cache, as Playwright itself computes it. */
export function playwrightCacheDir({ platform, env, home }: SearchContext = HOST): string {
  const fromEnv = env.PLAYWRIGHT_BROWSERS_PATH;
  if (fromEnv && fromEnv !== '0') return fromEnv;
  if (platform === 'darwin') return posix.join(home, 'Library', 'Caches', 'ms-playwright');
  if (platform === 'win32') return win32.join(env.LOCALAPPDATA ?? win32.join(home, 'AppData', 'Local'), 'ms-playwright');
  return posix.join(env.XDG_CACHE_HOME ?? posix.join(home, '.cache'), 'ms-playwright');
}

/**
 * Executables inside Playwright's cache, newest revision first, full Chromium before the
 * headless shell. Covers today's Chrome-for-Testing layout and the older Chromium one.
 */
function playwrightPaths(ctx: SearchContext): string[] {
  const root = playwrightCacheDir(ctx);
  const path = ctx.platform === 'win32' ? win32 : posix;
  const inside: Record<string, string[][]> = {
    chromium: [
      ['chrome-linux64', 'chrome'],
      ['chrome-linux-arm64', 'chrome'],
      ['chrome-linux', 'chrome'],
      ['chrome-mac-arm64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'],
      ['chrome-mac-x64', 'Google Chrome for Testing.app', 'Contents', 'MacOS', 'Google Chrome for Testing'],
      ['chrome-mac', 'Chromium.app', 'Contents', 'MacOS', 'Chromium'],
      ['chrome-win64', 'chrome.exe'],
      ['chrome-win', 'chrome.exe'],
    ],
    chromium_headless_shell: [
      ['chrome-headless-shell-linux64', 'chrome-headless-shell'],
      ['chrome-headless-shell-linux-arm64', 'chrome-headless-shell'],
      ['chrome-headless-shell-mac-arm64', 'chrome-headless-shell'],
      ['chrome-headless-shell-mac-x64', 'chrome-headless-shell'],
      ['chrome-headless-shell-win64', 'chrome-headless-shell.exe'],
      ['chrome-linux', 'headless_shell'],
      ['chrome-mac', 'headless_shell'],
      ['chrome-win', 'headless_shell.exe'],
    ],
  };
  const found: Array<{ kind: number; revision: number; paths: string[] }> = [];
  for (const entry of ctx.list(root)) {
    const m = /^(chromium|chromium_headless_shell)-(\d+)$/.exec(entry);
    if (!m) continue;
    found.push({
      kind: m[1] === 'chromium' ? 0 : 1,
      revision: Number(m[2]),
      paths: inside[m[1]].map((parts) => path.join(root, entry, ...parts)),
    });
  }
  found.sort((a, b) => a.kind - b.kind || b.revision - a.revision);
  return found.flatMap((f) => f.paths);
}

/** Every place looked at, in order (for the failure message and the tests). */
export function chromiumCandidates(ctx: SearchContext = HOST): string[] {
  if (ctx.env.CHROMIUM_PATH) return [ctx.env.CHROMIUM_PATH];
  return [...systemPaths(ctx), ...onPath(ctx), ...playwrightPaths(ctx)];
}

/** Absolute path of a Chromium or Chrome executable, or null when there is none. */
export function findChromium(ctx: SearchContext = HOST): string | null {
  return chromiumCandidates(ctx).find((path) => ctx.exists(path)) ?? null;
}

/** What `npm test` says when no browser exists. */
export function missingChromiumMessage(ctx: SearchContext = HOST): string {
  const where = ctx.env.CHROMIUM_PATH
    ? `CHROMIUM_PATH=${ctx.env.CHROMIUM_PATH} does not exist`
    : `looked for system Chromium and Chrome (${systemPaths(ctx).length} install paths and PATH) and for ` +
      `Playwright's browsers in ${playwrightCacheDir(ctx)}`;
  return [
    `The browser tests need Chromium or Chrome, and none was found (${where}).`,
    `Install one with:  ${INSTALL_COMMAND}`,
    'or point CHROMIUM_PATH at a Chromium or Chrome executable. The browser tests are part of',
    '`npm test` and are not skipped.',
  ].join('\n');
}

export const MISSING_CHROMIUM_MESSAGE = missingChromiumMessage();

/**
 * Headless launch flags: no sandbox (CI runs as root in a container), no GPU, nothing that
 * phones home, and audio allowed to start without a user gesture.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--autoplay-policy=no-user-gesture-required',
  '--enable-precise-memory-info',
];
