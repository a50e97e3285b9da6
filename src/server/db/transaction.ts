/** One helper for every write: a pooled connection inside BEGIN … COMMIT, rolled back on any throw. */
import type { Pool, PoolClient } from 'pg';

/**
 * Runs `work` in one transaction. Row locks taken inside are held until it returns.
 *
 * Warning: never call `inTransaction` again from inside `work` with the same pool — the inner call waits for a
 * second connection, and with the pool exhausted both wait forever.
 */
export async function inTransaction<T>(pool: Pool, work: (db: PoolClient) => Promise<T>): Promise<T> {
  const db = await pool.connect();
  try {
    await db.query('BEGIN');
    const result = await work(db);
    await db.query('COMMIT');
    return result;
  } catch (error) {
    await db.query('ROLLBACK').catch(() => undefined);
    throw error;
  } finally {
    db.release();
  }
}
