/**
 * Start-up check that `ws` masks and unmasks frames in native code (`bufferutil`). Without it the
 * tunnel's throughput halves and its CPU per GiB triples (docs/adr/0040-tunnel-multiplexer.md).
 */
import { createRequire } from 'node:module';
import type { Logger } from '../logger.js';

export interface MaskingCheck {
  native: boolean;
  reason?: string;
}

export function checkNativeMasking(): MaskingCheck {
  if (process.env.WS_NO_BUFFER_UTIL) return { native: false, reason: 'WS_NO_BUFFER_UTIL is set' };
  try {
    // Resolved from ws's own location, as ws itself loads it.
    const req = createRequire(createRequire(import.meta.url).resolve('ws'));
    const mod = req('bufferutil') as { mask?: unknown };
    if (
      typeof mod.mask === 'function' &&
      Function.prototype.toString.call(mod.mask).includes('[native code]')
    )
      return { native: true };
    return { native: false, reason: 'bufferutil loaded its JavaScript fallback (no native binary)' };
  } catch (err) {
    return { native: false, reason: `bufferutil cannot be loaded: ${(err as Error).message}` };
  }
}

/** Logs loudly (once per call) when masking is not native; returns the check. */
export function warnIfMaskingNotNative(logger: Logger): MaskingCheck {
  const check = checkNativeMasking();
  if (!check.native)
    logger.error(
      { reason: check.reason },
      'WebSocket masking is NOT native: tunnel throughput will be about half and CPU about 3x. Install bufferutil with its native binary and unset WS_NO_BUFFER_UTIL.',
    );
  return check;
}
