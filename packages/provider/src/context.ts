/**
 * What every part of the pipeline shares: the store, the signing identity, the clock, the
 * providers' index and a way to wake the job runner. Built once by the composition root.
 */
import type { Clock, ProviderIdentity, ProvidersIndex } from '@recapito/core';
import type { Store } from '@recapito/store';

export interface Logger {
  info(obj: Record<string, unknown>, msg: string): void;
  warn(obj: Record<string, unknown>, msg: string): void;
  error(obj: Record<string, unknown>, msg: string): void;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {}, error: () => {} };

export interface ProviderContext {
  readonly store: Store;
  readonly identity: ProviderIdentity;
  readonly clock: Clock;
  /** The current providers' index (reloaded when the CLI changes it). */
  index(): ProvidersIndex;
  /** Trust anchors for signatures of other providers (in addition to the index). */
  readonly trustAnchorsPem: readonly string[];
  readonly logger: Logger;
  /** Wakes the job runner after new jobs were committed. */
  notify(): void;
}

/** Lower-case domain of an address. */
export function domainOf(address: string): string {
  return address.slice(address.lastIndexOf('@') + 1).toLowerCase();
}

export function lowerAddress(address: string): string {
  return address.trim().toLowerCase();
}
