/**
 * A one-line progress indicator on stderr (a TTY only): a spinner, a label and the elapsed time.
 * Lines printed through `print` appear above it, so log output and progress never interleave.
 */
import { isInteractive, style } from './style.js';

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

export class Progress implements Disposable {
  private label: string;
  private frame = 0;
  private readonly started = Date.now();
  private readonly timer: NodeJS.Timeout | undefined;
  private readonly out: NodeJS.WriteStream;
  readonly live: boolean;

  constructor(label: string, out: NodeJS.WriteStream = process.stderr) {
    this.out = out;
    this.label = label;
    this.live = isInteractive(out);
    if (this.live) {
      this.timer = setInterval(() => this.draw(), 100);
      this.timer.unref();
      this.draw();
    }
  }

  /** Changes the label (e.g. the current stage). */
  set(label: string): void {
    this.label = label;
    if (this.live) this.draw();
  }

  /** Writes text (whole lines) above the indicator. */
  print(text: string): void {
    if (!this.live) {
      this.out.write(text);
      return;
    }
    this.out.write('\r\x1b[2K' + text);
    this.draw();
  }

  /** Removes the indicator; the last printed line stays. */
  stop(): void {
    if (this.timer) clearInterval(this.timer);
    if (this.live) this.out.write('\r\x1b[2K');
  }

  [Symbol.dispose](): void {
    this.stop();
  }

  private draw(): void {
    const seconds = ((Date.now() - this.started) / 1000).toFixed(1);
    const spin = style.cyan(frames[this.frame++ % frames.length]!, true);
    const width = Math.max(20, (this.out.columns || 80) - 12);
    this.out.write(`\r\x1b[2K${spin} ${this.label.slice(0, width)} ${style.dim(`${seconds}s`, true)}`);
  }
}
