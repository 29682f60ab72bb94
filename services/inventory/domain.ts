/**
 * Inventory rules. Every function runs inside the caller's transaction.
 *
 * Overselling is prevented by taking each line with one conditional UPDATE
 * (`on_hand - reserved >= quantity`), which PostgreSQL serialises per row;
 * the table's CHECK constraint backs it up. Lines are taken in SKU order so
 * two reservations over the same SKUs cannot deadlock.
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

export async function reserve(
  em: EntityManager,
  id: string,
  lines: ReservedLine[],
  ttlSeconds: number = DEFAULT_RESERVATION_TTL_SECONDS,
): Promise<{ reservation: Reservation; created: boolean }> {
  const sorted = [...lines].sort((a, b) => a.sku.localeCompare(b.sku));
  // Claims the id first: a concurrent request for the same id waits here, then finds ours.
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  const [claimed] = await em.execute<Record<string, unknown>[]>(
    `insert into reservations (id, status, lines, expires_at, created_at, updated_at)
     values (?, 'active', ?, ?, now(), now()) on conflict (id) do nothing returning *`,
    [id, JSON.stringify(sorted), expiresAt],
  );
  if (!claimed) {
    const existing = await em.findOneOrFail(Reservation, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE, refresh: true });
    assertMatchesExisting(existing, lines);
    return { reservation: existing, created: false };
  }

  const short: ReservedLine[] = [];
  for (const line of sorted) {
    const taken = await em.execute<{ sku: string }[]>(
      'update stock_items set reserved = reserved + ?, updated_at = now() where sku = ? and on_hand - reserved >= ? returning sku',
      [line.quantity, line.sku, line.quantity],
    );
    if (taken.length === 0) short.push(line);
  }
  if (short.length > 0) {
    // Thrown inside the transaction: the claimed id and every line taken so far roll back.
    throw await refusal(em, short);
  }
  return { reservation: em.map(Reservation, claimed), created: true };
}

/** Why lines could not be taken: SKUs without stock kept for them (422), or not enough available (409). */
async function refusal(em: EntityManager, short: ReservedLine[]): Promise<HttpProblem> {
  const rows = await em.execute<{ sku: string; available: number }[]>(
    `select sku, on_hand - reserved as available from stock_items where sku in (${short.map(() => '?').join(', ')})`,
    short.map((line) => line.sku),
  );
  const available = new Map(rows.map((row) => [row.sku, row.available]));
  const unknown = short.filter((line) => !available.has(line.sku)).map((line) => line.sku);
  if (unknown.length > 0) {
    return new HttpProblem(422, 'unknown-sku', 'Unknown SKU', `No stock is kept for ${unknown.join(', ')}`, { skus: unknown });
  }
  const shortages = short.map((line) => ({ sku: line.sku, requested: line.quantity, available: available.get(line.sku) ?? 0 }));
  return conflict('out-of-stock', `Not enough stock for ${shortages.map((s) => s.sku).join(', ')}`, { shortages });
}

async function returnUnits(em: EntityManager, lines: ReservedLine[]): Promise<void> {
  for (const line of [...lines].sort((a, b) => a.sku.localeCompare(b.sku))) {
    await em.execute('update stock_items set reserved = reserved - ?, updated_at = now() where sku = ?', [line.quantity, line.sku]);
  }
}

export async function commitReservation(em: EntityManager, id: string): Promise<Reservation> {
  // The usual case in one statement, which also locks the row: an active reservation becomes committed.
  const [committed] = await em.execute<Record<string, unknown>[]>(
    "update reservations set status = 'committed', updated_at = now() where id = ? and status = 'active' returning *",
    [id],
  );
  if (!committed) {
    const reservation = await em.findOne(Reservation, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
    if (!reservation) throw notFound('Reservation', id);
    if (reservation.status === 'released') {
      throw conflict('reservation-released', `Reservation ${id} was released (${reservation.releaseReason ?? 'requested'}) and cannot be committed`);
    }
    if (reservation.status !== 'committed') throw new Error(`reservation ${id} is ${reservation.status} after committing it`);
    return reservation;
  }
  const reservation = em.map(Reservation, committed);
  for (const line of [...reservation.lines].sort((a, b) => a.sku.localeCompare(b.sku))) {
    await em.execute('update stock_items set on_hand = on_hand - ?, reserved = reserved - ?, updated_at = now() where sku = ?', [
      line.quantity,
      line.quantity,
      line.sku,
    ]);
  }
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

export async function releaseReservation(em: EntityManager, id: string, reason: Exclude<ReleaseReason, 'never-reserved'> = 'requested'): Promise<Reservation> {
  const reservation = await em.findOne(Reservation, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!reservation) {
    // A compensation can arrive before (or instead of) the reservation it undoes; remember it so a late reserve is refused.
    await em.execute(
      `insert into reservations (id, status, lines, expires_at, release_reason, created_at, updated_at)
       values (?, 'released', '[]', now(), 'never-reserved', now(), now()) on conflict (id) do nothing`,
      [id],
    );
    return releaseReservation(em, id, reason);
  }
  if (reservation.status === 'released') return reservation;
  if (reservation.status === 'committed') {
    throw conflict('reservation-committed', `Reservation ${id} was committed; its units are sold and cannot be released`);
  }
  await returnUnits(em, reservation.lines);
  reservation.status = 'released';
  reservation.releaseReason = reason;
  await em.flush();
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
