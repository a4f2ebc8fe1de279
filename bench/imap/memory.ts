/**
 * Memory of a server's processes from /proc: the peak over time of the sum of VmRSS (what the
 * kernel charges each process, shared pages counted in each) and of Pss (shared pages split
 * between their users), sampled every 200 ms; VmHWM (the kernel's own peak) of each process.
 */
import { readFile } from 'node:fs/promises';

export interface MemoryPeak {
  /** Peak of the sum of VmRSS over the processes, bytes. */
  readonly rss: number;
  /** Peak of the sum of Pss over the processes, bytes. */
  readonly pss: number;
  /** Most processes seen at once. */
  readonly processes: number;
  readonly samples: number;
}

async function kbField(file: string, field: string): Promise<number> {
  const text = await readFile(file, 'utf8').catch(() => '');
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(text);
  return m ? Number(m[1]) * 1024 : 0;
}

/** VmHWM of one process, bytes (0 once it is gone). */
export const vmHwm = (pid: number): Promise<number> => kbField(`/proc/${pid}/status`, 'VmHWM');

export class MemorySampler {
  readonly #pids: () => Promise<number[]>;
  #timer: NodeJS.Timeout | undefined;
  #busy = false;
  #peak = { rss: 0, pss: 0, processes: 0, samples: 0 };

  constructor(pids: () => Promise<number[]>) {
    this.#pids = pids;
  }

  start(): this {
    this.#peak = { rss: 0, pss: 0, processes: 0, samples: 0 };
    void this.sample();
    this.#timer = setInterval(() => void this.sample(), 200);
    return this;
  }

  async sample(): Promise<void> {
    if (this.#busy) return;
    this.#busy = true;
    try {
      const pids = await this.#pids();
      const rss = await Promise.all(pids.map((p) => kbField(`/proc/${p}/status`, 'VmRSS')));
      const pss = await Promise.all(pids.map((p) => kbField(`/proc/${p}/smaps_rollup`, 'Pss')));
      const sum = (a: number[]): number => a.reduce((x, y) => x + y, 0);
      const p = this.#peak;
      p.rss = Math.max(p.rss, sum(rss));
      p.pss = Math.max(p.pss, sum(pss));
      p.processes = Math.max(p.processes, pids.length);
      p.samples++;
    } finally {
      this.#busy = false;
    }
  }

  async stop(): Promise<MemoryPeak> {
    clearInterval(this.#timer);
    while (this.#busy) await new Promise((r) => setTimeout(r, 20));
    await this.sample();
    return { ...this.#peak };
  }
}
