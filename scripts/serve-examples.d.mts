// Types for serve-examples.mjs (used by the end-to-end browser tests).
export declare const ISOLATION_HEADERS: Record<string, string>;
export interface ServerOptions {
  root?: string;
  allow?: string[] | null;
  aliases?: Record<string, string>;
  isolate?: boolean;
  port?: number;
  host?: string;
}
export interface RunningServer {
  url: string;
  port: number;
  close(): Promise<void>;
}
export declare function startServer(options?: ServerOptions): Promise<RunningServer>;
