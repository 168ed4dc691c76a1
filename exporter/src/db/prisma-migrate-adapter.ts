import pg from 'pg';
import { PrismaPg } from '@prisma/adapter-pg';

const NAME_OID = 19;
const TEXT_OID = 25;

type QueryResultLike = { fields?: Array<{ dataTypeID: number }> };

function reportNameAsText<T>(result: T): T {
  for (const field of (result as QueryResultLike)?.fields ?? []) {
    if (field.dataTypeID === NAME_OID) field.dataTypeID = TEXT_OID;
  }
  return result;
}

/**
 * Works around prisma/orm#27403: through @prisma/adapter-pg 6.19 the WebAssembly schema engine
 * fails with "Column type 'name' could not be deserialized" when it reads the catalog. Catalog
 * columns of type `name` are plain identifiers, so reporting them as `text` is lossless.
 * Only the migration CLI uses this client; the running exporter never reads the catalog.
 */
class NameAsTextClient extends pg.Client {
  // pg's query() has many overloads: the pool calls it with a callback, the adapter's
  // transactions with a promise. Both are patched.
  override query(...args: unknown[]): never {
    const last = args.length - 1;
    const callback = args[last];
    if (typeof callback === 'function') {
      args[last] = (error: unknown, result: unknown) => callback(error, error ? result : reportNameAsText(result));
    }
    const result = (super.query as (...a: unknown[]) => unknown)(...args);
    if (result && typeof (result as Promise<unknown>).then === 'function') {
      return (result as Promise<unknown>).then(reportNameAsText) as never;
    }
    return result as never;
  }
}

type Adapter = Awaited<ReturnType<PrismaPg['connect']>>;

/**
 * @prisma/adapter-pg 6.19's executeScript (its own TODO calls it a crude implementation) splits a
 * migration on every ';' and sends the pieces one by one through the pool: a PL/pgSQL body (a
 * trigger function) is cut apart, and the pieces run as separate transactions, possibly on
 * different connections. Prisma's native engine sends the script as one simple-query message,
 * which PostgreSQL runs as one implicit transaction: this restores that, so a migration applies
 * wholly or not at all.
 */
function runScriptsWhole(adapter: Adapter): Adapter {
  const pool = adapter.underlyingDriver() as pg.Pool;
  const onError = (adapter as unknown as { onError(error: unknown): never }).onError.bind(adapter);
  adapter.executeScript = async (script: string) => {
    try {
      await pool.query(script);
    } catch (error) {
      onError(error);
    }
  };
  return adapter;
}

class WholeScriptPrismaPg extends PrismaPg {
  override async connect(): Promise<Adapter> {
    return runScriptsWhole(await super.connect());
  }
}

export function createMigrationAdapter(connectionString: string): PrismaPg {
  // A pool config, not a Pool: the CLI loads this file through its own module loader, so a Pool
  // instance may fail the adapter's `instanceof pg.Pool` check. allowExitOnIdle lets the CLI exit
  // as soon as it is done instead of waiting out the idle timeout.
  return new WholeScriptPrismaPg({ connectionString, Client: NameAsTextClient, max: 2, allowExitOnIdle: true });
}
