/**
 * Progress and interruption for long commands.
 *
 * - On a terminal: a cli-progress bar on stderr (percentage, ETA, what is running).
 * - Elsewhere (CI logs): one plain line per `intervalMs`, plus the first and the last, so a log
 *   shows the job is alive without a line per network; with `--json` those lines are JSON objects.
 * - `--quiet`: nothing.
 *
 * Ctrl-C: the first SIGINT aborts an AbortController (the job stops at its next safe point and
 * reports what it did); a second one exits at once with status 130.
 */
import cliProgress from 'cli-progress';

export interface Progress {
  /** `fraction` in [0, 1]; `label` says what is running. */
  update(fraction: number, label: string): void;
  /** A message that must not be overwritten by the bar. */
  log(line: string): void;
  stop(): void;
}

export interface ProgressOptions {
  readonly quiet?: boolean;
  readonly json?: boolean;
  readonly stream?: NodeJS.WriteStream;
  /** Minimum time between plain lines (non-TTY), default 10 s. */
  readonly intervalMs?: number;
  /** Forces the bar (true) or plain lines (false); default: whether `stream` is a TTY. */
  readonly tty?: boolean;
}

const clock = (s: number) => (s >= 3600 ? `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m` : s >= 60 ? `${Math.floor(s / 60)}m${String(Math.round(s % 60)).padStart(2, '0')}s` : `${Math.round(s)}s`);

export function createProgress(o: ProgressOptions = {}): Progress {
  const stream = o.stream ?? process.stderr;
  if (o.quiet) return { update() {}, log() {}, stop() {} };
  const start = Date.now();
  const tty = o.tty ?? Boolean(stream.isTTY);
  if (tty && !o.json) {
    const bar = new cliProgress.SingleBar(
      {
        stream,
        format: '{bar} {percentage}% | {elapsed_clock} elapsed, ETA {eta_clock} | {label}',
        barsize: 28,
        hideCursor: true,
        clearOnComplete: true,
      },
      cliProgress.Presets.shades_classic,
    );
    let started = false;
    const payload = (label: string, f: number) => {
      const elapsed = (Date.now() - start) / 1000;
      return { label, elapsed_clock: clock(elapsed), eta_clock: f > 0.01 ? clock((elapsed * (1 - f)) / f) : '?' };
    };
    return {
      update(fraction, label) {
        const f = Math.min(1, Math.max(0, fraction));
        const v = Math.round(f * 1000);
        if (!started) {
          bar.start(1000, v, payload(label, f));
          started = true;
        } else bar.update(v, payload(label, f));
      },
      log(line) {
        if (started) {
          // Clear the bar's line, print, and let the next update redraw it.
          stream.write(`\r\x1b[K${line}\n`);
        } else stream.write(`${line}\n`);
      },
      stop() {
        if (started) bar.stop();
        started = false;
      },
    };
  }
  const interval = o.intervalMs ?? 10_000;
  let last = -Infinity;
  let lastFraction = -1;
  const line = (fraction: number, label: string) => {
    const elapsed = (Date.now() - start) / 1000;
    const eta = fraction > 0.01 ? (elapsed * (1 - fraction)) / fraction : NaN;
    if (o.json) return JSON.stringify({ progress: Number(fraction.toFixed(4)), label, elapsedSeconds: Math.round(elapsed), etaSeconds: Number.isFinite(eta) ? Math.round(eta) : null });
    return `[${(100 * fraction).toFixed(0).padStart(3)}%] ${label} (${clock(elapsed)} elapsed${Number.isFinite(eta) ? `, ETA ${clock(eta)}` : ''})`;
  };
  return {
    update(fraction, label) {
      const now = Date.now();
      if (now - last >= interval || (fraction >= 1 && lastFraction < 1)) {
        stream.write(`${line(fraction, label)}\n`);
        last = now;
      }
      lastFraction = fraction;
    },
    log(l) {
      stream.write(`${o.json ? JSON.stringify({ message: l }) : l}\n`);
    },
    stop() {},
  };
}

/**
 * Installs a SIGINT handler for the duration of a job. The first Ctrl-C aborts `signal` and calls
 * `onFirst` (say what will happen); a second exits with 130 at once. `dispose` removes the handler.
 */
export function interruptible(onFirst: () => void): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const handler = () => {
    if (controller.signal.aborted) {
      process.stderr.write('\ninterrupted again: exiting now\n');
      process.exit(130);
    }
    controller.abort();
    onFirst();
  };
  process.on('SIGINT', handler);
  return { signal: controller.signal, dispose: () => process.off('SIGINT', handler) };
}

