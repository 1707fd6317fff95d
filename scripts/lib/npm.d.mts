// Types for npm.mjs (imported by the TypeScript tests).
export declare function npmCommand(args: string[]): { command: string; args: string[]; shell: boolean };
