// Types of goatdb.js, GoatDB's browser client.

/** Field values as JavaScript sees them. Maps are plain objects. */
export type Value = string | number | boolean | Date | Set<string | number> | Record<string, unknown>;
export type Data = Record<string, Value>;

/** A schema, in the format of `goatdb --schema` files. */
export interface Schema {
  ns: string;
  version: number;
  fields: Record<string, {
    type: 'string' | 'number' | 'boolean' | 'date' | 'set' | 'map' | 'richtext';
    required?: boolean;
    /** A tagged JSON value ({"$date": ms}, {"$set": [...]}, ...). */
    default?: unknown;
  }>;
}

export interface OpenOptions {
  /** Name of the replica; tabs get directories "<name>-<n>". Default "goatdb". */
  name?: string;
  /** The GoatDB server to sync with, e.g. location.origin. Offline-only when absent. */
  peer?: string;
  orgId?: string;
  schemas?: Schema[];
  /** How long edits gather before becoming a commit. Default 300. */
  commitDelayMs?: number;
  /** Store in IndexedDB even where OPFS sync access handles exist. */
  forceIndexedDB?: boolean;
  debug?: boolean;
  wasmURL?: string;
  wasmExecURL?: string;
  workerURL?: string;
}

export interface Item {
  key: string;
  path: string;
  schema: string;
  data: Data;
}

export interface SyncStatus {
  /** The last sync round with the server succeeded. */
  online: boolean;
  /** Every open repository has had a round with the server since it was opened. */
  synced: boolean;
  /** Commits and edits the server is not known to have yet. */
  pending: number;
  /** The realtime WebSocket channel is open. */
  realtime: boolean;
  peer: string | null;
  lastSync: Date | null;
  error: string | null;
}

export interface QuerySpec {
  /** The repository, "/type/repo". */
  repo: string;
  /** Only items of this schema namespace. */
  schema?: string;
  filter?: (item: Item) => boolean;
  sortBy?: string;
  desc?: boolean;
  limit?: number;
  /** Queries with the same id share one live instance. */
  id?: string;
}

export declare function open(options?: OpenOptions): Promise<DB>;

export declare class DB {
  readonly directory: string;
  readonly sessionId: string;
  openRepo(path: string): Promise<{ commits: number; items: number }>;
  create(repo: string, schema: string, data: Data): string;
  set(path: string, schema: string, data: Data): void;
  update(path: string, changes: Partial<Record<string, Value | null | undefined>>): void;
  get(path: string): Data | null;
  item(path: string): Item | null;
  delete(path: string): void;
  keys(repo: string): string[];
  count(repo: string): number;
  query(spec: QuerySpec): Query;
  status(): SyncStatus;
  onStatus(f: (s: SyncStatus) => void, intervalMs?: number): () => void;
  flush(): Promise<void>;
  close(): Promise<void>;
}

export declare class Query {
  results(): Item[];
  count(): number;
  onChange(f: (q: Query) => void): () => void;
  close(): void;
}

/** Order stamps: strings that sort in the order of a list users reorder. */
export declare const orderStamp: {
  start(): string;
  end(): string;
  /** A stamp after a and before b; "" leaves an end open. */
  between(a: string, b: string): string;
};
