// The desktop app's own command-line options: --config FILE and --data DIR (also --config=FILE,
// --data=DIR). Electron and Chromium put their switches in the same argv; everything that is not
// ours is ignored. Shared by the launcher (relaylab start → Electron) and main.ts. Pure.
import path from 'node:path';

export interface AppArgs {
  /** Absolute path of the config file. */
  config?: string;
  /** Absolute path of the data dir. */
  data?: string;
}

/** Our options from `argv`; relative paths resolve against `cwd`. */
export function parseAppArgs(argv: readonly string[], cwd = process.cwd()): AppArgs {
  const out: AppArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i] as string;
    for (const key of ['config', 'data'] as const) {
      let value: string | undefined;
      if (a.startsWith(`--${key}=`)) value = a.slice(key.length + 3);
      else if (a === `--${key}`) value = argv[++i];
      if (value !== undefined && value !== '') out[key] = path.resolve(cwd, value);
    }
  }
  return out;
}

/** The same options in the one-token form, for passing on to the Electron app. */
export function formatAppArgs(args: AppArgs): string[] {
  return [...(args.config ? [`--config=${args.config}`] : []), ...(args.data ? [`--data=${args.data}`] : [])];
}
