/**
 * Runs an async job one at a time, coalescing requests: asking while it runs makes it run once
 * more afterwards (not once per request). The "is there more?" check and the reset happen in one
 * synchronous step, so a request can never slip between a run deciding to stop and it stopping.
 * Pure code: safe in the browser.
 */
export class Coalescer {
  private running: Promise<void> | undefined;
  private again = false;

  constructor(private readonly job: () => Promise<void>) {}

  /** Resolves after a run that started after this call has finished (or rejects with its error). */
  run(): Promise<void> {
    this.again = true;
    this.running ??= this.loop();
    return this.running;
  }

  /** Like `run`, but stops waiting after `timeoutMs` (the run goes on). */
  async runWithin(timeoutMs: number): Promise<void> {
    let timer: ReturnType<typeof setTimeout> | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([this.run(), timeout]).finally(() => clearTimeout(timer));
  }

  private async loop(): Promise<void> {
    try {
      while (this.again) {
        this.again = false;
        await this.job();
      }
    } finally {
      this.running = undefined;
    }
  }
}
