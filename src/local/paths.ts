// Where aos-ts keeps local processes: --data-dir, else AOS_TS_HOME, else the
// platform's per-user data folder (XDG on Linux, Application Support on macOS,
// LOCALAPPDATA on Windows).
import { homedir } from 'node:os';
import { join } from 'node:path';

export function defaultDataDir(env: NodeJS.ProcessEnv = process.env, platform = process.platform): string {
  if (env.AOS_TS_HOME) return env.AOS_TS_HOME;
  const home = homedir();
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'aos-ts');
  if (platform === 'win32') return join(env.LOCALAPPDATA ?? join(home, 'AppData', 'Local'), 'aos-ts');
  return join(env.XDG_DATA_HOME || join(home, '.local', 'share'), 'aos-ts');
}

export function resolveDataDir(flag?: string): string {
  return flag ?? defaultDataDir();
}
