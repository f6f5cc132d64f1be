import { spawn } from 'node:child_process';

export interface ToolResult {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

export interface RunToolOptions {
  /** Bytes written to the tool's stdin, which is then closed. */
  input?: Uint8Array;
  timeoutMs?: number;
  signal?: AbortSignal;
}

const MAX_CAPTURE_CHARS = 1_000_000;

/** Runs a short-lived tool (ffprobe, `ffmpeg -i`) to completion and captures its output. */
export function runTool(
  path: string,
  args: string[],
  options: RunToolOptions = {},
): Promise<ToolResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(path, args, {
      stdio: [options.input ? 'pipe' : 'ignore', 'pipe', 'pipe'],
      timeout: options.timeoutMs ?? 10_000,
      signal: options.signal,
    });
    let stdout = '';
    let stderr = '';
    child.stdout?.setEncoding('utf8').on('data', (text: string) => {
      if (stdout.length < MAX_CAPTURE_CHARS) stdout += text;
    });
    child.stderr?.setEncoding('utf8').on('data', (text: string) => {
      if (stderr.length < MAX_CAPTURE_CHARS) stderr += text;
    });
    if (options.input && child.stdin) {
      // The tool may stop reading once it has seen enough; that is not an error.
      child.stdin.on('error', () => undefined);
      child.stdin.end(options.input);
    }
    child.on('error', reject);
    child.on('close', (exitCode, signal) => resolve({ exitCode, signal, stdout, stderr }));
  });
}
