/** A progress line for long runs: redrawn in place on a terminal, a line per 10% in logs and CI. */
export class ProgressBar {
  private readonly started = Date.now();
  private lastDecile = -1;
  private lastDraw = 0;

  constructor(
    private readonly label: string,
    private readonly total: number | undefined,
    private readonly stream: NodeJS.WriteStream = process.stderr,
  ) {}

  update(done: number): void {
    const now = Date.now();
    const rate = done / Math.max(0.001, (now - this.started) / 1000);
    if (this.stream.isTTY) {
      if (now - this.lastDraw < 100 && done !== this.total) return;
      this.lastDraw = now;
      this.stream.write(`\r${this.render(done, rate)}\x1b[K`);
      return;
    }
    const decile = this.total ? Math.floor((done / this.total) * 10) : Math.floor(done / 5000);
    if (decile !== this.lastDecile) {
      this.lastDecile = decile;
      this.stream.write(`${this.render(done, rate)}\n`);
    }
  }

  finish(done: number): void {
    this.update(done);
    if (this.stream.isTTY) this.stream.write('\n');
  }

  private render(done: number, rate: number): string {
    const count = `${done.toLocaleString('en-US')}${this.total ? `/${this.total.toLocaleString('en-US')}` : ''}`;
    if (!this.total) return `${this.label} ${count}  ${Math.round(rate).toLocaleString('en-US')}/s`;
    const share = Math.min(1, done / this.total);
    const width = 28;
    const filled = Math.round(share * width);
    const eta = rate > 0 ? Math.max(0, Math.round((this.total - done) / rate)) : 0;
    return `${this.label} [${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${String(Math.round(share * 100)).padStart(3)}% ${count}  ${Math.round(rate).toLocaleString('en-US')}/s  ETA ${eta}s`;
  }
}
