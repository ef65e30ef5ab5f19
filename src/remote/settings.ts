// Which AO network a remote process lives on, from the flags, else the
// defaults remembered from earlier runs (conf, in the user config folder),
// else aos's own defaults.
export type RemoteMode = 'mainnet' | 'legacy';

export interface RemoteFlags {
  /** `--mainnet` alone is true; `--mainnet <url>` the node URL. */
  mainnet?: string | boolean;
  /** aos's `--url <node>`: the same as `--mainnet <url>`. */
  url?: string;
  legacy?: boolean;
  muUrl?: string;
  cuUrl?: string;
  gatewayUrl?: string;
  scheduler?: string;
  authority?: string;
  module?: string;
  wallet?: string;
  yes?: boolean;
}

export interface NetworkSettings {
  mode: RemoteMode;
  /** Mainnet: the HyperBEAM node. */
  url: string;
  muUrl: string;
  cuUrl: string;
  gatewayUrl: string;
  scheduler?: string;
  authority?: string;
  module?: string;
}

export const DEFAULT_MAINNET_URL = 'https://push.forward.computer';
export const DEFAULT_GATEWAY_URL = 'https://arweave.net';
export const LEGACY_DEFAULTS = {
  muUrl: 'https://mu.ao-testnet.xyz',
  cuUrl: 'https://cu.ao-testnet.xyz',
  gatewayUrl: 'https://ao-search-gateway.goldsky.com',
  scheduler: '_GQ33BkPtZrqxA84vM8Zk-N2aO0toNNu_C-l-rawrBA',
  authority: 'fcoN_xJeisVsPXA-trzVAuIiqO3ydLQxM-L4XbrQKzY',
};
/** aos's default module (the aos Lua process). */
export const DEFAULT_MODULE = 'ISShJH1ij-hPPt9St5UFFr_8Ys3Kj5cyg7zrMGt7H9s';

type Remembered = Partial<Record<RemoteMode, Partial<Omit<NetworkSettings, 'mode'>>>> & { network?: RemoteMode };

export class SettingsError extends Error {}

export function isRemoteRequested(flags: RemoteFlags): boolean {
  return flags.mainnet !== undefined || flags.legacy === true || flags.url !== undefined;
}

/**
 * The environment variables aos reads, as settings. They win over remembered
 * defaults and lose to flags; they are never remembered themselves.
 */
const ENV_SETTINGS = [
  ['GATEWAY_URL', 'gatewayUrl'],
  ['CU_URL', 'cuUrl'],
  ['MU_URL', 'muUrl'],
  ['SCHEDULER', 'scheduler'],
  ['AUTHORITY', 'authority'],
  ['AOS_MODULE', 'module'],
] as const;

function fromEnv(env: NodeJS.ProcessEnv, mode: RemoteMode): Partial<Omit<NetworkSettings, 'mode'>> {
  const out: Partial<Omit<NetworkSettings, 'mode'>> = {};
  for (const [name, key] of ENV_SETTINGS) {
    const value = env[name]?.trim();
    if (!value) continue;
    // a mainnet node is one URL: the legacy units' variables do not apply to it
    if (mode === 'mainnet' && (key === 'muUrl' || key === 'cuUrl')) continue;
    out[key] = key.endsWith('Url') ? checkUrl(`${name} (environment)`, value) : checkId(`${name} (environment)`, value);
  }
  return out;
}

function checkUrl(flag: string, value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new SettingsError(`${flag} "${value}" is not a URL. Give it like ${flag} https://node.example or http://127.0.0.1:8734.`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new SettingsError(`${flag} "${value}" must start with http:// or https://.`);
  return value.replace(/\/+$/, '');
}

function checkId(flag: string, value: string): string {
  if (!/^[A-Za-z0-9_-]{43}$/.test(value)) throw new SettingsError(`${flag} "${value}" is not a 43-character id.`);
  return value;
}

/** A node on this machine (an `aos-ts serve`): its own gateway answers GraphQL too. */
export function isLoopback(url: string): boolean {
  try {
    const host = new URL(url).hostname;
    return host === 'localhost' || host === '[::1]' || host === '::1' || /^127\./.test(host);
  } catch {
    return false;
  }
}

/** The config store; `configDir` puts it somewhere else (tests). */
async function openConfig(configDir?: string): Promise<{ get(): Remembered; set(r: Remembered): void }> {
  const { default: Conf } = await import('conf');
  const conf = new Conf<{ remote: Remembered }>(configDir ? { cwd: configDir, configName: 'config' } : { projectName: 'aos-ts' });
  return {
    get: () => (conf.get('remote') as Remembered | undefined) ?? {},
    set: (r) => conf.set('remote', r),
  };
}

/**
 * The settings for this run. Flags given now are remembered as the defaults
 * for the next run (per network), and the network chosen becomes the default
 * one for a bare 43-character id.
 */
export async function resolveSettings(flags: RemoteFlags, configDir?: string, env: NodeJS.ProcessEnv = {}): Promise<NetworkSettings> {
  const plan = await planSettings(flags, configDir, env);
  plan.remember();
  return plan.settings;
}

/**
 * The settings for this run, and `remember()` to keep the flags given now as
 * the next run's defaults: call it once the network answered, so a URL that
 * failed is never remembered. Precedence: flags, then the environment
 * variables aos reads (GATEWAY_URL, CU_URL, MU_URL, SCHEDULER, AUTHORITY,
 * AOS_MODULE), then the remembered defaults, then aos's defaults.
 */
export async function planSettings(
  flags: RemoteFlags,
  configDir?: string,
  env: NodeJS.ProcessEnv = {},
): Promise<{ settings: NetworkSettings; remember: () => void }> {
  if (flags.legacy && flags.mainnet !== undefined) throw new SettingsError('--mainnet and --legacy were both given; choose one network.');
  if (flags.legacy && flags.url !== undefined) throw new SettingsError('--url (a mainnet node) and --legacy were both given; choose one network.');
  if (typeof flags.mainnet === 'string' && flags.url !== undefined) throw new SettingsError('--mainnet <url> and --url were both given; give the node URL once.');
  let config: Awaited<ReturnType<typeof openConfig>> | undefined;
  let remembered: Remembered = {};
  try {
    config = await openConfig(configDir);
    remembered = config.get();
  } catch {
    // An unreadable config is not worth failing for: use the defaults.
  }
  const mainnetFlag = flags.url ?? flags.mainnet;
  const mode: RemoteMode = flags.legacy ? 'legacy' : mainnetFlag !== undefined ? 'mainnet' : (remembered.network ?? 'mainnet');
  const saved = remembered[mode] ?? {};
  const given: Partial<Omit<NetworkSettings, 'mode'>> = {};
  if (typeof mainnetFlag === 'string') {
    const flag = flags.url !== undefined ? '--url' : '--mainnet';
    if (!mainnetFlag.includes('://')) {
      throw new SettingsError(`${flag} "${mainnetFlag}" is not a URL. Put the process name first (aos-ts ${mainnetFlag} --mainnet), or give the node URL (${flag} https://...).`);
    }
    given.url = checkUrl(flag, mainnetFlag);
  }
  if (flags.muUrl !== undefined) given.muUrl = checkUrl('--mu-url', flags.muUrl);
  if (flags.cuUrl !== undefined) given.cuUrl = checkUrl('--cu-url', flags.cuUrl);
  if (flags.gatewayUrl !== undefined) given.gatewayUrl = checkUrl('--gateway-url', flags.gatewayUrl);
  if (flags.scheduler !== undefined) given.scheduler = checkId('--scheduler', flags.scheduler);
  if (flags.authority !== undefined) given.authority = checkId('--authority', flags.authority);
  if (flags.module !== undefined) given.module = checkId('--module', flags.module);
  if (mode === 'mainnet' && (flags.muUrl !== undefined || flags.cuUrl !== undefined)) {
    throw new SettingsError('--mu-url and --cu-url are for --legacy; a mainnet node is one URL (--mainnet <url>).');
  }
  // A new node URL starts from a clean slate: its scheduler and gateway may differ.
  const base = given.url !== undefined && given.url !== saved.url ? {} : saved;
  const toRemember = { ...base, ...given };
  const merged = { ...base, ...fromEnv(env, mode), ...given };
  const remember = (): void => {
    if (config && (Object.keys(given).length > 0 || remembered.network !== mode)) {
      try {
        config.set({ ...remembered, network: mode, [mode]: toRemember });
      } catch {
        // Not remembering is fine.
      }
    }
  };
  return { settings: finish(mode, merged), remember };
}

function finish(mode: RemoteMode, merged: Partial<Omit<NetworkSettings, 'mode'>>): NetworkSettings {
  if (mode === 'mainnet') {
    const url = merged.url ?? DEFAULT_MAINNET_URL;
    return {
      mode,
      url,
      muUrl: url,
      cuUrl: url,
      gatewayUrl: merged.gatewayUrl ?? (isLoopback(url) ? url : DEFAULT_GATEWAY_URL),
      scheduler: merged.scheduler,
      authority: merged.authority,
      module: merged.module,
    };
  }
  const muUrl = merged.muUrl ?? LEGACY_DEFAULTS.muUrl;
  return {
    mode,
    url: muUrl,
    muUrl,
    cuUrl: merged.cuUrl ?? (isLoopback(muUrl) ? muUrl : LEGACY_DEFAULTS.cuUrl),
    gatewayUrl: merged.gatewayUrl ?? (isLoopback(muUrl) ? muUrl : LEGACY_DEFAULTS.gatewayUrl),
    scheduler: merged.scheduler,
    authority: merged.authority,
    module: merged.module,
  };
}

/** A short key naming the network, for caches and cursor files. */
export function networkKey(s: NetworkSettings): string {
  return s.mode === 'mainnet' ? `mainnet ${s.url}` : `legacy ${s.muUrl} ${s.cuUrl} ${s.gatewayUrl}`;
}

export function describeNetwork(s: NetworkSettings): string {
  return s.mode === 'mainnet' ? `mainnet node ${s.url}` : `legacy network (MU ${s.muUrl}, CU ${s.cuUrl})`;
}
