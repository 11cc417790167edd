import type { Store } from '../store/store.js';
import type { Vault } from './vault.js';

const PAGE = 200;

/**
 * Seals again, under the vault's active key, every card number sealed under another key, so
 * the old key can be removed (docs/operations.md, key rotation). Safe while servers run and
 * to repeat: each row is replaced only if it is still the value that was read. Card numbers
 * exist in clear only in memory, one at a time. Returns how many were re-sealed.
 */
export async function resealCards(store: Store, vault: Vault): Promise<number> {
  let resealed = 0;
  let after = '';
  for (;;) {
    const rows = await store.all<{ id: string; pan_sealed: string }>(
      'SELECT id, pan_sealed FROM cards WHERE key_id <> ? AND id > ? ORDER BY id LIMIT ?',
      [vault.activeKeyId, after, PAGE],
    );
    for (const row of rows) {
      const sealed = await vault.seal(await vault.open(row.pan_sealed, row.id), row.id);
      const changed = await store.run(
        'UPDATE cards SET pan_sealed = ?, key_id = ? WHERE id = ? AND pan_sealed = ?',
        [sealed, vault.activeKeyId, row.id, row.pan_sealed],
      );
      resealed += changed.changes;
    }
    if (rows.length < PAGE) return resealed;
    after = (rows.at(-1) as { id: string }).id;
  }
}
