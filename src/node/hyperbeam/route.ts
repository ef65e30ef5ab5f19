import type { ServerResponse } from 'node:http';
import type { Req } from '../http.js';
import type { ServedContext } from '../served-context.js';

export async function hyperbeamRoute(_ctx: ServedContext, _req: Req, _res: ServerResponse): Promise<boolean> {
  return false;
}
