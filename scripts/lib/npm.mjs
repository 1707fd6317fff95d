// How to start npm from a Node script on any platform, without a shell where possible.
//
// Under npm (npm run, npm test, npx), npm_execpath is npm's own CLI script: run it with the
// current Node. Otherwise `npm` from PATH, through a shell on Windows (where it is npm.cmd).

/**
 * @param {string[]} args  npm's arguments
 * @returns {{ command: string, args: string[], shell: boolean }}  for child_process.spawn*
 */
export function npmCommand(args) {
  const cli = process.env.npm_execpath;
  if (cli && /\.c?js$/.test(cli)) return { command: process.execPath, args: [cli, ...args], shell: false };
  return { command: 'npm', args, shell: process.platform === 'win32' };
}
