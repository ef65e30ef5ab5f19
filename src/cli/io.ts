// Where the CLI's text goes: the process's own streams, unless a test runs
// the CLI in-process with others. Kept free of imports so the program
// (src/cli/program.ts) loads nothing else up front.

export interface CliStream {
  write(text: string): unknown;
  isTTY?: boolean;
  /** A terminal's width. */
  columns?: number;
}

export interface CliIo {
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: CliStream;
  stderr: CliStream;
  env: NodeJS.ProcessEnv;
}

const processIo = (): CliIo => ({ stdin: process.stdin, stdout: process.stdout, stderr: process.stderr, env: process.env });
let current: CliIo | undefined;

/** The streams commands write to: the process's own, unless a test runs the CLI in-process. */
export function io(): CliIo {
  return current ?? processIo();
}

/** Run `body` with other streams (the in-process test runner); restores the previous ones after. */
export async function withIo<T>(next: CliIo, body: () => Promise<T>): Promise<T> {
  const previous = current;
  current = next;
  try {
    return await body();
  } finally {
    current = previous;
  }
}
