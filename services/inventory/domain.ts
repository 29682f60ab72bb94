/**
 * Inventory rules. Functions that change stock levels and extensions run inside the caller's
 * transaction; reserving, committing and releasing are atomic without one (each write is one
 * statement, or one query of several, which PostgreSQL runs as one transaction), so their routes
 * open none unless an Idempotency-Key asks for one.
 *
 * Overselling is prevented by taking the lines only under the lock of their stock rows, with
 * `on_hand - reserved >= quantity` read under it; the table's CHECK constraint backs it up. Every
 * writer of several stock rows locks them in one order (by SKU, as PostgreSQL sorts them) so two
 * writers cannot deadlock, and a reservation's row (the id) is locked after its stock rows.
 */
import { LockMode } from '@mikro-orm/core';
import type { EntityManager } from '@mikro-orm/postgresql';
import { conflict, HttpProblem, notFound } from '../../platform/http/problem';
import type { components } from './api.gen';
import { Reservation, StockItem, type ReleaseReason, type ReservedLine } from './entities';

type Schemas = components['schemas'];

export const DEFAULT_RESERVATION_TTL_SECONDS = 1800;

/**
 * The most units of one SKU on hand (StockUnits in the spec). on_hand is a 32-bit column: an
 * adjustment that would take it past this is refused as the client's mistake, never left to overflow.
 */
export const MAX_STOCK_ON_HAND = 1_000_000_000;

export function toStockLevel(item: StockItem): Schemas['StockLevel'] {
  return {
    sku: item.sku,
    onHand: item.onHand,
    reserved: item.reserved,
    available: item.onHand - item.reserved,
    updatedAt: item.updatedAt.toISOString(),
  };
}

export function toReservationView(reservation: Reservation): Schemas['Reservation'] {
  return {
    id: reservation.id,
    status: reservation.status,
    lines: reservation.lines,
    expiresAt: reservation.expiresAt.toISOString(),
    ...(reservation.releaseReason ? { releaseReason: reservation.releaseReason } : {}),
    createdAt: reservation.createdAt.toISOString(),
    updatedAt: reservation.updatedAt.toISOString(),
  };
}

export async function getStock(em: EntityManager, sku: string): Promise<StockItem> {
  const item = await em.findOne(StockItem, { sku });
  if (!item) throw notFound('Stock item', sku);
  return item;
}

export async function listStock(
  em: EntityManager,
  query: { skus?: string[]; limit: number; offset: number },
): Promise<Schemas['StockLevelPage']> {
  const where = query.skus ? { sku: { $in: query.skus } } : {};
  const [items, total] = await em.findAndCount(StockItem, where, {
    orderBy: { sku: 'asc' },
    limit: query.limit,
    offset: query.offset,
  });
  return { items: items.map(toStockLevel), total, limit: query.limit, offset: query.offset };
}

export async function setStock(em: EntityManager, sku: string, onHand: number): Promise<StockItem> {
  const item = await em.findOne(StockItem, { sku }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!item) {
    const created = em.create(StockItem, { sku, onHand, reserved: 0 });
    await em.flush();
    return created;
  }
  if (onHand < item.reserved) {
    throw conflict('below-reserved', `${sku} has ${item.reserved} units reserved; on hand cannot go below that`, {
      reserved: item.reserved,
    });
  }
  item.onHand = onHand;
  await em.flush();
  return item;
}

export async function adjustStock(em: EntityManager, sku: string, delta: number): Promise<StockItem> {
  const item = await em.findOne(StockItem, { sku }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!item) throw notFound('Stock item', sku);
  // Removing is always fine, even from a level set before this bound existed.
  if (delta > 0 && item.onHand + delta > MAX_STOCK_ON_HAND) {
    throw new HttpProblem(
      422,
      'stock-limit-exceeded',
      'Too many units on hand',
      `${sku} has ${item.onHand} units on hand; adding ${delta} would pass the most a SKU can hold (${MAX_STOCK_ON_HAND})`,
      { errors: [{ field: 'body.delta', message: `must be at most ${MAX_STOCK_ON_HAND - item.onHand} for ${sku} now` }], onHand: item.onHand, maxOnHand: MAX_STOCK_ON_HAND },
    );
  }
  if (item.onHand + delta < item.reserved) {
    throw conflict('below-reserved', `Removing ${-delta} units would leave less than the ${item.reserved} reserved units of ${sku}`, {
      onHand: item.onHand,
      reserved: item.reserved,
    });
  }
  item.onHand += delta;
  await em.flush();
  return item;
}

function sameLines(a: ReservedLine[], b: ReservedLine[]): boolean {
  const key = (lines: ReservedLine[]) =>
    lines
      .map((line) => `${line.sku}:${line.quantity}`)
      .sort()
      .join(',');
  return key(a) === key(b);
}

function assertMatchesExisting(existing: Reservation, lines: ReservedLine[]): void {
  if (existing.status === 'released') {
    throw conflict('reservation-released', `Reservation ${existing.id} was released (${existing.releaseReason ?? 'requested'}); use a new id`);
  }
  if (!sameLines(existing.lines, lines)) {
    throw conflict('reservation-mismatch', `Reservation ${existing.id} exists with other lines`);
  }
}

/** Placeholders for a list of values, as in `in (?, ?)`. */
const placeholders = (values: unknown[]) => values.map(() => '?').join(', ');

type ReserveRow = Record<string, unknown> & { created: boolean; available: Record<string, number> | null };

/**
 * One query of two statements, which PostgreSQL runs as one transaction: the first locks the
 * SKUs' rows, in the order every writer of several locks them (by SKU); the second, with a snapshot
 * taken under those locks, claims the id and takes every line, or writes nothing when a line is
 * short or the id is known. It answers with the reservation (new or known) and what is available.
 */
export async function reserve(
  em: EntityManager,
  id: string,
  lines: ReservedLine[],
  ttlSeconds: number = DEFAULT_RESERVATION_TTL_SECONDS,
): Promise<{ reservation: Reservation; created: boolean }> {
  const sorted = [...lines].sort((a, b) => a.sku.localeCompare(b.sku));
  const stored = JSON.stringify(sorted);
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  const [, [row]] = await em.execute<[unknown, ReserveRow[]]>(
    `select 1 from stock_items where sku in (${placeholders(sorted)}) order by sku for update;
     with wanted as (select sku, quantity from jsonb_to_recordset(?::jsonb) as line(sku text, quantity int)),
       stock as (select sku, on_hand - reserved as available from stock_items join wanted using (sku)),
       existing as (select * from reservations where id = ?),
       claimed as (
         insert into reservations (id, status, lines, expires_at, created_at, updated_at)
         select ?, 'active', ?::jsonb, ?, now(), now()
         where not exists (select 1 from existing)
           and (select count(*) from wanted join stock using (sku) where available >= quantity) = ?
         on conflict (id) do nothing
         returning *),
       taken as (
         update stock_items set reserved = stock_items.reserved + wanted.quantity, updated_at = now()
         from wanted, claimed where stock_items.sku = wanted.sku)
     select found.*, exists (select 1 from claimed) as created, (select json_object_agg(sku, available) from stock) as available
     from (select 1) as one left join (select * from claimed union all select * from existing) as found on true`,
    [...sorted.map((line) => line.sku), stored, id, id, stored, expiresAt, sorted.length],
  );
  if (!row) throw new Error(`reserving ${id} answered no row`);
  const { created, available, ...columns } = row;
  if (columns.id != null) {
    const reservation = em.map(Reservation, columns);
    if (!created) assertMatchesExisting(reservation, lines);
    return { reservation, created };
  }
  const stock = new Map(Object.entries(available ?? {}));
  const short = sorted.filter((line) => (stock.get(line.sku) ?? 0) < line.quantity);
  if (short.length > 0) throw refusal(short, stock);
  // Every line was there, but a request for the same id claimed it after this one's snapshot was taken, and has committed since.
  const existing = await em.findOneOrFail(Reservation, { id }, { refresh: true });
  assertMatchesExisting(existing, lines);
  return { reservation: existing, created: false };
}

/** Why lines could not be taken: SKUs without stock kept for them (422), or not enough available (409). */
function refusal(short: ReservedLine[], available: Map<string, number>): HttpProblem {
  const unknown = short.filter((line) => !available.has(line.sku)).map((line) => line.sku);
  if (unknown.length > 0) {
    return new HttpProblem(422, 'unknown-sku', 'Unknown SKU', `No stock is kept for ${unknown.join(', ')}`, { skus: unknown });
  }
  const shortages = short.map((line) => ({ sku: line.sku, requested: line.quantity, available: available.get(line.sku) ?? 0 }));
  return conflict('out-of-stock', `Not enough stock for ${shortages.map((s) => s.sku).join(', ')}`, { shortages });
}

/**
 * The CTEs that apply `set` to the stock rows of the lines of `reservation` (a CTE answering the
 * reservation's row, or none). The rows are locked first, in the order every writer of several
 * locks them (by SKU), so that two such writers cannot deadlock; the update then applies to each
 * row's newest version, as any UPDATE that waited for a row does.
 */
function updateStockOfLines(reservation: string, set: string): string {
  return `line as (select sku, quantity from ${reservation}, jsonb_to_recordset(${reservation}.lines) as line(sku text, quantity int)),
     locked as materialized (select sku from stock_items where sku in (select sku from line) order by sku for update),
     changed as (
       update stock_items set ${set}, updated_at = now()
       from line join locked using (sku) where stock_items.sku = line.sku)`;
}

/** An active reservation becomes committed and its units leave the stock, in one statement. */
export async function commitReservation(em: EntityManager, id: string): Promise<Reservation> {
  const [committed] = await em.execute<Record<string, unknown>[]>(
    `with committed as (update reservations set status = 'committed', updated_at = now() where id = ? and status = 'active' returning *),
     ${updateStockOfLines('committed', 'on_hand = stock_items.on_hand - line.quantity, reserved = stock_items.reserved - line.quantity')}
     select * from committed`,
    [id],
  );
  if (committed) return em.map(Reservation, committed);
  // Not active: a status never goes back to active, so what is read now says why.
  const reservation = await em.findOne(Reservation, { id }, { refresh: true });
  if (!reservation) throw notFound('Reservation', id);
  if (reservation.status === 'released') {
    throw conflict('reservation-released', `Reservation ${id} was released (${reservation.releaseReason ?? 'requested'}) and cannot be committed`);
  }
  if (reservation.status !== 'committed') throw new Error(`reservation ${id} is ${reservation.status} after committing it`);
  return reservation;
}

/** Keeps an active reservation at least `ttlSeconds` longer; never shortens it. */
export async function extendReservation(em: EntityManager, id: string, ttlSeconds: number): Promise<Reservation> {
  const reservation = await em.findOne(Reservation, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!reservation) throw notFound('Reservation', id);
  if (reservation.status !== 'active') {
    throw conflict('reservation-not-active', `Reservation ${id} is ${reservation.status} and can no longer be extended`, { reservationStatus: reservation.status });
  }
  const wanted = new Date(Date.now() + ttlSeconds * 1000);
  if (wanted > reservation.expiresAt) {
    reservation.expiresAt = wanted;
    await em.flush();
  }
  return reservation;
}

/** An active reservation becomes released and its units return to the stock, in one statement; a repeat changes nothing. */
export async function releaseReservation(em: EntityManager, id: string, reason: Exclude<ReleaseReason, 'never-reserved'> = 'requested'): Promise<Reservation> {
  const [released] = await em.execute<Record<string, unknown>[]>(
    `with released as (
       update reservations set status = 'released', release_reason = ?, updated_at = now() where id = ? and status = 'active' returning *),
     ${updateStockOfLines('released', 'reserved = stock_items.reserved - line.quantity')}
     select * from released`,
    [reason, id],
  );
  if (released) return em.map(Reservation, released);
  // A compensation can arrive before (or instead of) the reservation it undoes; remember it so a late reserve is refused.
  const [row] = await em.execute<Record<string, unknown>[]>(
    `with tombstone as (
       insert into reservations (id, status, lines, expires_at, release_reason, created_at, updated_at)
       values (?, 'released', '[]', now(), 'never-reserved', now(), now()) on conflict (id) do nothing returning *)
     select * from tombstone union all select * from reservations where id = ? and not exists (select 1 from tombstone)`,
    [id, id],
  );
  // A reservation of this id was made since the first statement: release it.
  if (!row || row.status === 'active') return releaseReservation(em, id, reason);
  const reservation = em.map(Reservation, row);
  if (reservation.status === 'committed') {
    throw conflict('reservation-committed', `Reservation ${id} was committed; its units are sold and cannot be released`);
  }
  return reservation;
}

/** Releases abandoned reservations; SKIP LOCKED lets several instances sweep at once without waiting on each other. */
export async function releaseExpiredReservations(em: EntityManager, batchSize = 100): Promise<string[]> {
  const expired = await em.execute<{ id: string }[]>(
    `select id from reservations where status = 'active' and expires_at < now()
     order by expires_at limit ? for update skip locked`,
    [batchSize],
  );
  for (const { id } of expired) await releaseReservation(em, id, 'expired');
  return expired.map((row) => row.id);
}
