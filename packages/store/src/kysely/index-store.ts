/** The providers' index as stored locally: one row per provider name, replaced on put. */
import type { IndexStore, StoredProvider } from '../ports.ts';
import { parseJson, write, type Ctx } from './context.ts';
import type { Db } from './schema.ts';

/** Kysely implementation of {@link IndexStore}. */
export class KyselyIndexStore implements IndexStore {
  constructor(private readonly db: Db, private readonly ctx: Ctx) {}

  async put(p: StoredProvider): Promise<void> {
    const row = {
      mail_receipt: p.mailReceipt,
      domains: JSON.stringify([...p.domains]),
      certificates: JSON.stringify([...p.certificates]),
      route: p.route,
    };
    await write(this.db, this.ctx, (db) => db.insertInto('providers')
      .values({ name: p.name, ...row })
      .onConflict((oc) => oc.column('name').doUpdateSet(row))
      .execute());
  }

  /** Providers in name order. */
  async list(): Promise<StoredProvider[]> {
    const rows = await this.db.selectFrom('providers').selectAll().orderBy('name').execute();
    return rows.map((r) => ({
      name: r.name,
      mailReceipt: r.mail_receipt,
      domains: parseJson<string[]>(r.domains),
      certificates: parseJson<string[]>(r.certificates),
      route: r.route,
    }));
  }

  /** Idempotent: removing an unknown name is not an error. */
  async remove(name: string): Promise<void> {
    await write(this.db, this.ctx, (db) => db.deleteFrom('providers').where('name', '=', name).execute());
  }
}
