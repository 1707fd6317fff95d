#!/usr/bin/env node
// Static server for the browser examples: `npm run examples`.
//
// Serves the repository's examples/ and dist/ folders on 127.0.0.1 with the two headers that
// make a page cross-origin isolated (COOP same-origin + COEP require-corp). Isolation is what
// lets a page create a SharedArrayBuffer and post a shared WebAssembly.Memory to a worklet or
// Worker; without it `postMessage` throws DataCloneError.
//
// No dependencies: node:http + node:fs. The tests import `startServer` to serve the examples
// (and the bundler fixtures' build output) the same way a person sees them.
//
//   node scripts/serve-examples.mjs [--port 8080] [--host 127.0.0.1] [--no-isolation]
//   PORT=0 picks a free port.

import { createServer } from 'node:http';
import { createReadStream, existsSync, statSync } from 'node:fs';
import { extname, join, normalize, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const REPO = resolve(fileURLToPath(new URL('..', import.meta.url)));

const MIME = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.cjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.wasm': 'application/wasm',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.txt': 'text/plain; charset=utf-8',
};

/** Headers sent with every response: cross-origin isolation, and no stale caches while editing. */
export const ISOLATION_HEADERS = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
  'Cross-Origin-Resource-Policy': 'same-origin',
};

/**
 * Start a static server.
 *
 * @param {object} [options]
 * @param {string} [options.root]  folder to serve (default: the repository)
 * @param {string[]} [options.allow]  top-level folders of `root` that may be served
 *   (default for the repository: examples and dist; `null` allows everything under root)
 * @param {Record<string,string>} [options.aliases]  URL path → file path relative to root
 * @param {boolean} [options.isolate]  send COOP/COEP (default true; false shows how the
 *   examples behave on an ordinary static host)
 * @param {number} [options.port]  0 = any free port
 * @param {string} [options.host]
 * @returns {Promise<{ url: string, port: number, close(): Promise<void> }>}
 */
export function startServer(options = {}) {
  const root = resolve(options.root ?? REPO);
  const allow = options.allow === undefined ? (options.root ? null : ['examples', 'dist']) : options.allow;
  const aliases = options.aliases ?? (options.root ? {} : { '/wasm-arena.js': 'dist/index.js' });
  const host = options.host ?? '127.0.0.1';
  const headers = options.isolate === false ? {} : ISOLATION_HEADERS;

  const server = createServer((req, res) => {
    const send = (status, body, type = 'text/plain; charset=utf-8') => {
      res.writeHead(status, { ...headers, 'Content-Type': type, 'Cache-Control': 'no-store' });
      res.end(body);
    };
    if (req.method !== 'GET' && req.method !== 'HEAD') return send(405, 'method not allowed\n');

    let path;
    try {
      path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    } catch {
      return send(400, 'bad request\n');
    }
    if (path === '/' && !options.root) {
      res.writeHead(302, { ...headers, Location: '/examples/' });
      return res.end();
    }
    if (aliases[path]) path = '/' + aliases[path];

    // Resolve inside root only: normalize, then refuse anything that escapes or is not allowed.
    const rel = normalize(path).replace(/^([/\\])+/, '');
    let file = resolve(root, rel);
    if (file !== root && !file.startsWith(root + sep)) return send(403, 'forbidden\n');
    const top = rel.split(/[/\\]/)[0];
    if (allow && rel !== '' && !allow.includes(top)) return send(404, 'not found\n');

    let st = existsSync(file) ? statSync(file) : null;
    if (st?.isDirectory()) {
      if (!path.endsWith('/')) {
        res.writeHead(301, { ...headers, Location: path + '/' });
        return res.end();
      }
      file = join(file, 'index.html');
      st = existsSync(file) ? statSync(file) : null;
    }
    if (!st?.isFile()) {
      const hint = rel.startsWith('dist') ? ' (run `npm run build` first)' : '';
      return send(404, `not found: ${path}${hint}\n`);
    }
    res.writeHead(200, {
      ...headers,
      'Content-Type': MIME[extname(file)] ?? 'application/octet-stream',
      'Content-Length': st.size,
      'Cache-Control': 'no-store',
    });
    if (req.method === 'HEAD') return res.end();
    createReadStream(file).pipe(res);
  });

  return new Promise((resolvePromise, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 8080, host, () => {
      const { port } = /** @type {import('node:net').AddressInfo} */ (server.address());
      resolvePromise({
        url: `http://${host}:${port}`,
        port,
        close: () => new Promise((done) => { server.closeAllConnections?.(); server.close(() => done()); }),
      });
    });
  });
}

function argValue(name) {
  const i = process.argv.indexOf(name);
  return i >= 0 ? process.argv[i + 1] : undefined;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const port = Number(argValue('--port') ?? process.env.PORT ?? 8080);
  const host = argValue('--host') ?? '127.0.0.1';
  const isolate = !process.argv.includes('--no-isolation');
  if (!existsSync(join(REPO, 'dist', 'index.js'))) {
    console.warn('warning: dist/index.js is missing; run `npm run build` so the examples can load the library');
  }
  const { url } = await startServer({ port, host, isolate });
  console.log(`wasm-arena examples (${isolate ? 'cross-origin isolated' : 'no COOP/COEP'}) at ${url}/`);
  console.log(`  ${url}/examples/audio-worklet/   AudioWorklet synth: heap vs JS allocation per quantum (A/B)`);
  console.log(`  ${url}/examples/worker-audio/    a Worker renders into a ring in the heap, an AudioWorklet plays it`);
  console.log(`  ${url}/examples/particles/       canvas particles in the heap vs JS objects`);
  console.log(`  ${url}/examples/profiler/        the particles on a profile heap: live heap map, timeline, leaks`);
  console.log('Ctrl-C to stop.');
}
