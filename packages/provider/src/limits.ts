/**
 * Default traffic limits and quotas per mailbox type. DM 2/11/2005 art. 12: a provider must at
 * least accept 50 recipients and size × recipients up to 30 MB. The seeds' types: standard
 * mailboxes of 2 GB or 6 GB, and "massive" senders with higher volumes.
 */
import type { MailboxType, TrafficLimits } from '@recapito/store';

const MB = 1024 * 1024;
export const GB = 1024 * MB;

export const DEFAULT_LIMITS: Readonly<Record<MailboxType, TrafficLimits>> = {
  standard: { maxMessageBytes: 30 * MB, maxRecipients: 50, maxTotalBytes: 30 * MB, perDay: 1000, perMinute: 30 },
  massive: { maxMessageBytes: 30 * MB, maxRecipients: 500, maxTotalBytes: 300 * MB, perDay: 50_000, perMinute: 600 },
  service: { maxMessageBytes: 30 * MB, maxRecipients: 50, maxTotalBytes: 30 * MB, perDay: 0, perMinute: 0 },
};

export const DEFAULT_QUOTA: Readonly<Record<MailboxType, number>> = {
  standard: 2 * GB,
  massive: 6 * GB,
  service: 6 * GB,
};

/** Parses sizes such as `6GB`, `500MB`, `2048` (bytes). */
export function parseSize(text: string): number | undefined {
  const m = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb|tb)?\s*$/i.exec(text);
  if (!m) return undefined;
  const unit = (m[2] ?? 'b').toLowerCase();
  const mult = { b: 1, kb: 1024, mb: MB, gb: GB, tb: 1024 * GB }[unit as 'b'];
  return Math.round(Number(m[1]) * mult);
}

/**
 * Parses `--limits` overrides: `recipients=100,size=20MB,total=200MB,perDay=2000,perMinute=60`.
 * Returns an error message for unknown keys or bad values.
 */
export function parseLimits(text: string, base: TrafficLimits): TrafficLimits | string {
  const out: { -readonly [K in keyof TrafficLimits]: number } = { ...base };
  for (const item of text.split(',').map((s) => s.trim()).filter(Boolean)) {
    const [k, v] = item.split('=').map((s) => s.trim());
    const n = v === undefined ? undefined : /[a-z]/i.test(v) ? parseSize(v) : Number(v);
    if (n === undefined || !Number.isFinite(n) || n < 0) return `bad value in "${item}"`;
    switch (k?.toLowerCase()) {
      case 'recipients': out.maxRecipients = n; break;
      case 'size': out.maxMessageBytes = n; break;
      case 'total': out.maxTotalBytes = n; break;
      case 'perday': out.perDay = n; break;
      case 'perminute': out.perMinute = n; break;
      default: return `unknown limit "${k}" (use recipients, size, total, perDay, perMinute)`;
    }
  }
  return out;
}
