// How the browser tests find a browser (test/browser/chromium.ts), on each platform, against a
// fake file system: which executable wins, and what the failure message names.

import { describe, expect, it } from 'vitest';
import { INSTALL_COMMAND, type SearchContext, findChromium, missingChromiumMessage, playwrightCacheDir } from './browser/chromium.js';

/** A machine whose only files are `files` (folders are implied by the paths). */
function machine(platform: NodeJS.Platform, files: string[], env: Record<string, string> = {}, home = platform === 'win32' ? 'C:\\Users\\u' : platform === 'darwin' ? '/Users/u' : '/home/u'): SearchContext {
  const sep = platform === 'win32' ? '\\' : '/';
  return {
    platform,
    env,
    home,
    exists: (path) => files.includes(path),
    list: (dir) => [...new Set(files.filter((f) => f.startsWith(dir + sep)).map((f) => f.slice(dir.length + 1).split(sep)[0]))],
  };
}

describe('finding Chromium for the browser tests', () => {
  it('CHROMIUM_PATH wins over everything else, and a wrong one is not guessed around', () => {
    const files = ['/usr/bin/chromium', '/opt/my/chrome'];
    expect(findChromium(machine('linux', files, { CHROMIUM_PATH: '/opt/my/chrome' }))).toBe('/opt/my/chrome');
    const wrong = machine('linux', files, { CHROMIUM_PATH: '/nope/chrome' });
    expect(findChromium(wrong)).toBeNull();
    expect(missingChromiumMessage(wrong)).toContain('CHROMIUM_PATH=/nope/chrome does not exist');
  });

  it('finds a system Chromium or Chrome on Linux, macOS and Windows', () => {
    expect(findChromium(machine('linux', ['/usr/bin/google-chrome-stable']))).toBe('/usr/bin/google-chrome-stable');
    expect(findChromium(machine('linux', ['/home/u/bin/chromium'], { PATH: '/usr/bin:/home/u/bin' }))).toBe('/home/u/bin/chromium');
    const mac = '/Applications/Google Chrome.app/Contents/MacOS/Google Chrome';
    expect(findChromium(machine('darwin', [mac]))).toBe(mac);
    const userMac = '/Users/u/Applications/Chromium.app/Contents/MacOS/Chromium';
    expect(findChromium(machine('darwin', [userMac]))).toBe(userMac);
    const win = 'C:\\Program Files\\Google\\Chrome\\Application\\chrome.exe';
    expect(findChromium(machine('win32', [win], { PROGRAMFILES: 'C:\\Program Files' }))).toBe(win);
  });

  it("finds Playwright's cached browsers in each platform's cache folder, newest revision first", () => {
    expect(playwrightCacheDir(machine('linux', []))).toBe('/home/u/.cache/ms-playwright');
    expect(playwrightCacheDir(machine('darwin', []))).toBe('/Users/u/Library/Caches/ms-playwright');
    expect(playwrightCacheDir(machine('win32', [], { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }))).toBe('C:\\Users\\u\\AppData\\Local\\ms-playwright');

    const linux = machine('linux', [
      '/home/u/.cache/ms-playwright/chromium-1200/chrome-linux64/chrome',
      '/home/u/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome',
      '/home/u/.cache/ms-playwright/chromium_headless_shell-1300/chrome-headless-shell-linux64/chrome-headless-shell',
    ]);
    expect(findChromium(linux)).toBe('/home/u/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome');
    const shellOnly = machine('linux', ['/home/u/.cache/ms-playwright/chromium_headless_shell-1255/chrome-headless-shell-linux64/chrome-headless-shell']);
    expect(findChromium(shellOnly)).toMatch(/chrome-headless-shell$/);
    const mac = '/Users/u/Library/Caches/ms-playwright/chromium-1255/chrome-mac-arm64/Google Chrome for Testing.app/Contents/MacOS/Google Chrome for Testing';
    expect(findChromium(machine('darwin', [mac]))).toBe(mac);
    const win = 'C:\\Users\\u\\AppData\\Local\\ms-playwright\\chromium-1255\\chrome-win64\\chrome.exe';
    expect(findChromium(machine('win32', [win], { LOCALAPPDATA: 'C:\\Users\\u\\AppData\\Local' }))).toBe(win);
    const custom = machine('linux', ['/pw/chromium-1/chrome-linux/chrome'], { PLAYWRIGHT_BROWSERS_PATH: '/pw' });
    expect(findChromium(custom)).toBe('/pw/chromium-1/chrome-linux/chrome');
  });

  it('a system browser is preferred to a Playwright download', () => {
    const both = machine('linux', ['/usr/bin/chromium', '/home/u/.cache/ms-playwright/chromium-1255/chrome-linux64/chrome']);
    expect(findChromium(both)).toBe('/usr/bin/chromium');
  });

  it('with no browser anywhere, the message names the one command that installs one', () => {
    const empty = machine('darwin', []);
    expect(findChromium(empty)).toBeNull();
    const message = missingChromiumMessage(empty);
    expect(message).toContain(INSTALL_COMMAND);
    expect(INSTALL_COMMAND).toBe('npx playwright install chromium');
    expect(message).toContain('/Users/u/Library/Caches/ms-playwright');
  });
});
